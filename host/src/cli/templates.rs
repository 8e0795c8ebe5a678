//! `edgekit templates`, `export`, `dist`, and the template side of `serve`.

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use edgekit_host::gallery::Gallery;
use edgekit_host::template::{self, Catalog, Settings, Template, Values};
use std::path::{Path, PathBuf};

/// Values for a template's parameters, and where templates are found.
#[derive(Args)]
pub struct TemplateValues {
    /// A template parameter's value (repeatable); checked before anything runs.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = parse_set)]
    set: Vec<(String, String)>,
    /// A TOML file of template parameters (`KEY = value` lines); `--set` wins.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// A folder whose sub-folders hold templates (repeatable; default:
    /// $EDGEKIT_TEMPLATES, else ./components and the edgekit repository's).
    #[arg(long = "templates", value_name = "DIR")]
    folders: Vec<PathBuf>,
}

impl TemplateValues {
    fn catalog(&self) -> Catalog {
        if self.folders.is_empty() {
            Catalog::scan(&Catalog::default_folders())
        } else {
            Catalog::scan(&self.folders)
        }
    }

    fn given(&self) -> bool {
        !self.set.is_empty() || self.config.is_some()
    }

    /// The template's settings from `--config` then `--set`, or every problem.
    pub fn resolve(&self, template: &Template) -> anyhow::Result<Settings> {
        let mut values = Values::default();
        if let Some(file) = &self.config {
            values.read_config(file)?;
        }
        for (key, value) in &self.set {
            values.set(key, value);
        }
        Ok(template.resolve(&values)?)
    }
}

/// `edgekit templates [name]`.
#[derive(Args)]
pub struct Templates {
    /// Show this template's parameters.
    name: Option<String>,
    /// A folder whose sub-folders hold templates (repeatable).
    #[arg(long = "templates", value_name = "DIR")]
    folders: Vec<PathBuf>,
}

/// The manifest formats `edgekit export` writes.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// A Spin 3 `spin.toml` (also for SpinKube).
    Spin,
    /// A wasmCloud `wadm.yaml`.
    Wasmcloud,
}

/// `edgekit export`.
#[derive(Args)]
pub struct Export {
    /// The template, by name or directory.
    template: PathBuf,
    #[command(flatten)]
    values: TemplateValues,
    /// The platform to write a manifest for.
    #[arg(long, value_enum)]
    format: Format,
    /// Where to write it (`-` for standard output; default spin.toml or wadm.yaml).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The component the manifest names: a `.wasm` path, or for wasmCloud an
    /// OCI reference (default `<name>.wasm`, what `edgekit dist` writes).
    #[arg(long, value_name = "PATH_OR_URL")]
    source: Option<String>,
}

/// `edgekit dist`.
#[derive(Args)]
pub struct Dist {
    /// The folder to write.
    #[arg(long, default_value = "dist")]
    out: PathBuf,
    /// A folder whose sub-folders hold templates (repeatable).
    #[arg(long = "templates", value_name = "DIR")]
    folders: Vec<PathBuf>,
}

/// The template `path` names for `edgekit serve`, if it names one: a
/// directory with a `template.toml`, or a bare name that is not a file.
/// Values given without a template are refused rather than ignored.
pub fn find(path: &Path, values: &TemplateValues) -> anyhow::Result<Option<Template>> {
    let template = if path.join("template.toml").is_file() {
        Some(Template::load(path)?)
    } else if is_bare_name(path) && !path.exists() {
        Some(values.catalog().get(&path.to_string_lossy())?.clone())
    } else {
        None
    };
    if template.is_none() && values.given() {
        bail!(
            "--set and --config are for templates; give a component its environment with --env KEY=VALUE"
        );
    }
    Ok(template)
}

/// A name like `markdown` (not `x.wasm`, not `dir/x`).
fn is_bare_name(path: &Path) -> bool {
    let text = path.to_string_lossy();
    !text.is_empty()
        && !text.ends_with(".wasm")
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What is about to run, secrets masked.
pub fn summary(template: &Template, settings: &Settings) -> String {
    let mut out = format!("template {} {}\n", template.name, template.version);
    for setting in &settings.list {
        let value = if setting.secret {
            "(secret)"
        } else {
            setting.value.as_str()
        };
        let origin = if setting.is_default { " (default)" } else { "" };
        out.push_str(&format!("  {} = {value}{origin}\n", setting.key));
    }
    out
}

pub fn run_templates(args: Templates) -> anyhow::Result<()> {
    let values = TemplateValues {
        set: Vec::new(),
        config: None,
        folders: args.folders,
    };
    let catalog = values.catalog();
    match args.name {
        None => print!("{}", template::list(&catalog)),
        Some(name) => {
            let found = find(Path::new(&name), &values)?;
            let template = found.with_context(|| format!("{name}: not a template"))?;
            print!("{}", template::describe(&template));
        }
    }
    Ok(())
}

pub fn run_export(args: Export) -> anyhow::Result<()> {
    let template = find(&args.template, &args.values)?
        .with_context(|| format!("{}: not a template", args.template.display()))?;
    let settings = args.values.resolve(&template)?;
    let source = args
        .source
        .unwrap_or_else(|| format!("{}.wasm", template.name));
    let (text, default_out) = match args.format {
        Format::Spin => (
            template::to_spin_toml(&template, &settings, &source),
            "spin.toml",
        ),
        Format::Wasmcloud => {
            // A local `.wasm` file becomes a file:// image; anything else
            // is an OCI reference (ghcr.io/org/name:tag) or already a URL.
            let local = source.ends_with(".wasm") && !source.contains("://");
            let image = if local {
                format!("file://./{source}")
            } else {
                source
            };
            (
                template::to_wadm_yaml(&template, &settings, &image),
                "wadm.yaml",
            )
        }
    };
    let out = args.out.unwrap_or_else(|| default_out.into());
    if out.as_os_str() == "-" {
        print!("{text}");
    } else {
        std::fs::write(&out, text).with_context(|| format!("cannot write {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

pub fn run_dist(args: Dist) -> anyhow::Result<()> {
    let values = TemplateValues {
        set: Vec::new(),
        config: None,
        folders: args.folders,
    };
    let catalog = values.catalog();
    if let Some((file, error)) = catalog.broken.first() {
        bail!("{}: {error}", file.display());
    }
    if catalog.templates.is_empty() {
        bail!("no templates found");
    }
    for entry in template::dist(&catalog, &args.out)? {
        println!(
            "{}  {} bytes  sha256 {}",
            entry.wasm.display(),
            entry.bytes,
            entry.sha256
        );
    }
    println!(
        "wrote {} (check with: cd {} && sha256sum -c SHA256SUMS)",
        args.out.display(),
        args.out.display()
    );
    Ok(())
}

fn parse_set(text: &str) -> anyhow::Result<(String, String)> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => Ok((name.trim().into(), value.into())),
        _ => bail!("expected KEY=VALUE"),
    }
}

/// `edgekit serve` with no argument: every template, and the console.
pub fn run_gallery(addr: std::net::SocketAddr, values: &TemplateValues) -> anyhow::Result<()> {
    if values.given() {
        bail!("--set and --config need a template: edgekit serve <template> --set KEY=VALUE");
    }
    let catalog = values.catalog();
    for (file, error) in &catalog.broken {
        eprintln!("skipping {}: {error}", file.display());
    }
    if catalog.templates.is_empty() {
        bail!("no templates found (looked in components/; use --templates DIR)");
    }
    let built = Gallery::build(catalog);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let gallery = Gallery::start(built).await?;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let addr = listener.local_addr()?;
        eprintln!("templates: {}", gallery.names().join(", "));
        println!("serving the template gallery on http://{addr}/");
        gallery.serve(listener).await
    })
}
