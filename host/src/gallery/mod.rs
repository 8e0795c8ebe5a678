//! The gallery: every template served at once under `/<template>/` with demo
//! settings that work offline, and a console at `/` to configure, try and
//! export each one. It is what `edgekit serve` runs with no argument.
//!
//! ```no_run
//! # async fn f() -> anyhow::Result<()> {
//! use edgekit_host::gallery::Gallery;
//! use edgekit_host::template::Catalog;
//!
//! let catalog = Catalog::scan(&Catalog::default_folders());
//! let built = tokio::task::spawn_blocking(move || Gallery::build(catalog)).await?;
//! let gallery = Gallery::start(built).await?;
//! gallery.serve(tokio::net::TcpListener::bind("127.0.0.1:8080").await?).await?;
//! # Ok(()) }
//! ```

mod api;
mod builtin_demos;
pub(crate) mod demo_origin;
mod demo_s3;
mod entry;
mod images;
mod services;
mod try_forms;

pub use demo_origin::ORIGIN_HOST;
pub use demo_s3::{S3_BUCKET, S3_HOST};
pub use entry::Built;

use crate::ResponseBody;
use crate::template::Catalog;
use entry::Entry;
use hyper::body::Incoming;
use services::Services;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The running gallery; cheap to clone.
#[derive(Clone)]
pub struct Gallery {
    state: Arc<State>,
}

struct State {
    entries: Vec<Entry>,
    services: Services,
}

impl Gallery {
    /// Builds every template of `catalog` for wasm32-wasip2 (cargo's progress
    /// goes to stderr). A template that does not build is kept, with its
    /// error, so the console can show it.
    pub fn build(catalog: Catalog) -> Vec<Built> {
        catalog.templates.into_iter().map(Built::new).collect()
    }

    /// Starts the demo origin and the S3 server, and deploys each built
    /// template with its demo settings (its `[demo]` table, else built-in
    /// demo values for the components edgekit ships, else the examples of
    /// its required parameters).
    pub async fn start(built: Vec<Built>) -> anyhow::Result<Gallery> {
        let services = Services::start().await?;
        let mut entries = Vec::new();
        for built in built {
            let entry = Entry::new(built);
            let problems = match entry.demo_values(&services) {
                Ok(values) => entry.apply(values, &services).await,
                Err(problem) => vec![problem],
            };
            if !problems.is_empty() {
                eprintln!("template {} is not running:", entry.template.name);
                for problem in &problems {
                    eprintln!("  {problem}");
                }
                entry.current.write().await.problems = problems;
            }
            entries.push(entry);
        }
        Ok(Gallery {
            state: Arc::new(State { entries, services }),
        })
    }

    /// The names of the templates, in order.
    pub fn names(&self) -> Vec<String> {
        self.state
            .entries
            .iter()
            .map(|e| e.template.name.clone())
            .collect()
    }

    /// Answers HTTP/1 requests on `listener` until the process is asked to
    /// stop (Ctrl-C, or SIGTERM on Unix); then removes the S3 server's files.
    pub async fn serve(self, listener: TcpListener) -> anyhow::Result<()> {
        let state = self.state.clone();
        let serving = crate::serve::serve_http1(listener, move |request| {
            let gallery = self.clone();
            async move { gallery.answer(request).await }
        });
        let result = tokio::select! {
            result = serving => result,
            () = stop_requested() => Ok(()),
        };
        state.services.clean_up();
        result
    }

    async fn answer(&self, request: http::Request<Incoming>) -> http::Response<ResponseBody> {
        let path = request.uri().path().to_string();
        if path == "/" || path.starts_with("/_console/") {
            return api::answer(&self.state, request).await;
        }
        let name = path[1..].split('/').next().unwrap_or_default();
        let Some(entry) = self.state.entries.iter().find(|e| e.template.name == name) else {
            return api::page(
                http::StatusCode::NOT_FOUND,
                "text/plain; charset=utf-8",
                "not found: the console at / lists the templates\n",
            );
        };
        if path.len() == name.len() + 1 {
            // `/markdown` → `/markdown/`, so relative links resolve under it.
            let query = request
                .uri()
                .query()
                .map(|q| format!("?{q}"))
                .unwrap_or_default();
            return api::redirect(&format!("/{name}/{query}"));
        }
        entry.forward(request, name.len() + 1).await
    }
}

/// Resolves when the process is asked to stop.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
