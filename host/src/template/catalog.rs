//! Finding templates: every crate directory with a `template.toml` under the
//! template folders.

use super::Template;
use super::hint::closest;
use anyhow::bail;
use std::path::{Path, PathBuf};

/// The templates found under some folders, sorted by name, and the
/// `template.toml` files that could not be read (so a broken one is reported,
/// not silently skipped).
///
/// ```no_run
/// let catalog = edgekit_host::template::Catalog::scan(&["components".into()]);
/// for template in &catalog.templates {
///     println!("{}: {}", template.name, template.title);
/// }
/// ```
#[derive(Debug, Default)]
pub struct Catalog {
    /// The templates, sorted by name.
    pub templates: Vec<Template>,
    /// Files that exist but are not valid, with the reason.
    pub broken: Vec<(PathBuf, String)>,
}

impl Catalog {
    /// Looks at each sub-folder of each of `folders` (missing folders are
    /// skipped) for a `template.toml`.
    pub fn scan(folders: &[PathBuf]) -> Catalog {
        let mut catalog = Catalog::default();
        for folder in folders {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            let mut dirs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            dirs.sort();
            for dir in dirs {
                let file = dir.join("template.toml");
                if !file.is_file() {
                    continue;
                }
                match Template::load(&dir) {
                    Ok(template) => catalog.templates.push(template),
                    Err(error) => catalog.broken.push((file, format!("{error:#}"))),
                }
            }
        }
        // Stable sort, then the first folder's template wins a name clash.
        catalog.templates.sort_by(|a, b| a.name.cmp(&b.name));
        catalog
            .templates
            .dedup_by(|later, first| later.name == first.name);
        catalog
    }

    /// The template called `name`, or an error that says which names exist
    /// and which one was probably meant.
    pub fn get(&self, name: &str) -> anyhow::Result<&Template> {
        if let Some(template) = self.templates.iter().find(|t| t.name == name) {
            return Ok(template);
        }
        let names = self.templates.iter().map(|t| t.name.as_str());
        match closest(name, names) {
            Some(near) => bail!("no template named {name:?} (did you mean {near:?}?)"),
            None if self.templates.is_empty() => {
                bail!("no template named {name:?}: no templates were found")
            }
            None => bail!(
                "no template named {name:?}; the templates are: {}",
                self.templates
                    .iter()
                    .map(|t| t.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The folders searched by default: `$EDGEKIT_TEMPLATES` (separated like
    /// `PATH`) if set, else `components/` in the current directory and in
    /// the edgekit repository this command was built from.
    pub fn default_folders() -> Vec<PathBuf> {
        if let Some(list) = std::env::var_os("EDGEKIT_TEMPLATES") {
            return std::env::split_paths(&list).collect();
        }
        let mut folders = vec![PathBuf::from("components")];
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../components");
        let same = |a: &Path, b: &Path| {
            a.canonicalize()
                .ok()
                .is_some_and(|a| b.canonicalize().ok() == Some(a))
        };
        if !same(&folders[0], &repo) {
            folders.push(repo);
        }
        folders
    }
}
