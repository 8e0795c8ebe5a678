//! Templates: a component that people who do not code configure and deploy.
//!
//! A template is a component crate with a `template.toml` beside its
//! `Cargo.toml`. The file names the template and declares its parameters;
//! parameters reach the component as environment variables. The host checks
//! values against the declaration before it builds or serves anything, and
//! reports every problem at once.
//!
//! ```no_run
//! # fn f() -> anyhow::Result<()> {
//! use edgekit_host::template::{Template, Values};
//!
//! let template = Template::load("components/markdown".as_ref())?;
//! let mut values = Values::default();
//! values.set("ORIGIN", "https://docs.example.com/");
//! match template.resolve(&values) {
//!     Ok(settings) => println!("{} environment variables", settings.env().count()),
//!     Err(problems) => eprintln!("{problems}"),
//! }
//! # Ok(()) }
//! ```

mod catalog;
mod dist;
mod hint;
mod kind;
mod model;
mod origins;
mod problems;
mod resolve;
mod spin;
mod table;
mod values;
mod wasmcloud;

pub use catalog::Catalog;
pub use dist::{DistEntry, dist};
pub use kind::Kind;
pub use model::{Demo, Parameter, Template, TryLink};
pub use problems::{Problem, Problems};
pub use resolve::{Setting, Settings};
pub use spin::to_spin_toml;
pub use table::{describe, list};
pub use values::Values;
pub use wasmcloud::to_wadm_yaml;
