//! A todo API kept in the key-value store `default`:
//!
//! - `POST /todos` with `{"title": "..."}` → `201` and the new todo
//! - `GET /todos` → every todo, oldest first
//! - `GET /todos/{id}` → one todo, or `404`
//! - `PATCH /todos/{id}` with `{"title"?, "done"?}` → the updated todo
//! - `DELETE /todos/{id}` → `204`
//!
//! Any other method on these paths is a `405` with an `Allow` header.

use edgekit::kv::Store;
use edgekit::router::Router;
use edgekit::{Error, Json, Request, RequestExt, Response, StatusCode};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Todo {
    id: u64,
    title: String,
    done: bool,
}

#[derive(Deserialize)]
struct NewTodo {
    title: String,
}

#[derive(Deserialize)]
struct Changes {
    title: Option<String>,
    done: Option<bool>,
}

/// Titles longer than this are refused, so one request cannot fill the store.
const MAX_TITLE: usize = 500;
/// Request bodies are small JSON objects.
const MAX_BODY: usize = 16 * 1024;

#[edgekit::edge_handler]
async fn handle(req: Request) -> Response {
    Router::new()
        .get("/todos", list)
        .post("/todos", create)
        .get("/todos/{id}", show)
        .patch("/todos/{id}", update)
        .delete("/todos/{id}", remove)
        .handle(req)
        .await
}

fn store() -> Result<Store, Error> {
    Ok(Store::open("default")?)
}

fn key(id: u64) -> String {
    format!("todo:{id}")
}

/// The `{id}` of the path; anything but a number matches no todo.
fn id(req: &Request) -> Result<u64, Error> {
    req.param("id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(not_found)
}

fn not_found() -> Error {
    Error::new(StatusCode::NOT_FOUND, "no such todo").json()
}

fn check_title(title: &str) -> Result<(), Error> {
    if title.trim().is_empty() {
        return Err(Error::new(StatusCode::BAD_REQUEST, "title must not be empty").json());
    }
    if title.len() > MAX_TITLE {
        return Err(Error::new(
            StatusCode::BAD_REQUEST,
            format!("title is longer than {MAX_TITLE} bytes"),
        )
        .json());
    }
    Ok(())
}

fn list(_req: Request) -> Result<Json<Vec<Todo>>, Error> {
    let store = store()?;
    let mut todos: Vec<Todo> = Vec::new();
    for key in store.list_keys()? {
        if key.starts_with("todo:")
            && let Some(todo) = store.get_json(&key)?
        {
            todos.push(todo);
        }
    }
    todos.sort_by_key(|todo| todo.id);
    Ok(Json(todos))
}

async fn create(req: Request) -> Result<(StatusCode, Json<Todo>), Error> {
    let new: NewTodo = req.into_body().limit(MAX_BODY).json().await?;
    check_title(&new.title)?;
    let store = store()?;
    let id = store.increment("next-id", 1)?;
    let todo = Todo {
        id,
        title: new.title,
        done: false,
    };
    store.set_json(&key(id), &todo)?;
    edgekit::log::info!("created todo {id}");
    Ok((StatusCode::CREATED, Json(todo)))
}

fn show(req: Request) -> Result<Json<Todo>, Error> {
    let todo = store()?.get_json(&key(id(&req)?))?.ok_or_else(not_found)?;
    Ok(Json(todo))
}

async fn update(req: Request) -> Result<Json<Todo>, Error> {
    let id = id(&req)?;
    let changes: Changes = req.into_body().limit(MAX_BODY).json().await?;
    let store = store()?;
    let mut todo: Todo = store.get_json(&key(id))?.ok_or_else(not_found)?;
    if let Some(title) = changes.title {
        check_title(&title)?;
        todo.title = title;
    }
    if let Some(done) = changes.done {
        todo.done = done;
    }
    store.set_json(&key(id), &todo)?;
    Ok(Json(todo))
}

fn remove(req: Request) -> Result<StatusCode, Error> {
    let key = key(id(&req)?);
    let store = store()?;
    if !store.exists(&key)? {
        return Err(not_found());
    }
    store.delete(&key)?;
    Ok(StatusCode::NO_CONTENT)
}
