//! A [`FlowLoader`] over a flow root: object paths to files under the root
//! (`cli-and-layout.md`), flows compiled on first use and cached. `jobflow
//! run` and the [`Engine`](crate::Engine) load sub-flows with it.

use jobflow_compiler::codegen;
use jobflow_compiler::driver::{check_file, CheckContext};
use jobflow_vm::bytecode::Module;
use jobflow_vm::context::{FlowLoader, LoadError, ObjectKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Loads flows from the directory tree under `root`.
pub struct DiskLoader {
    root: PathBuf,
    check: CheckContext,
    cache: HashMap<String, Rc<Module>>,
}

impl DiskLoader {
    /// A loader for the flow root `root`.
    pub fn new(root: PathBuf, check: CheckContext) -> Self {
        DiskLoader {
            root,
            check,
            cache: HashMap::new(),
        }
    }

    /// Registers an already compiled module (the first flow).
    pub fn insert(&mut self, abspath: &str, module: Rc<Module>) {
        self.cache.insert(abspath.to_string(), module);
    }

    fn file(&self, abspath: &str, ext: &str) -> PathBuf {
        let rel = abspath.trim_start_matches('/');
        self.root.join(format!("{rel}.{ext}"))
    }
}

/// The absolute object path of the flow file `file` under `root`
/// (`ROOT/a/b.jf` → `/a/b`).
pub fn object_path(root: &Path, file: &Path) -> String {
    let abs = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (root, file) = (abs(root), abs(file));
    let rel = file.strip_prefix(&root).unwrap_or(&file).with_extension("");
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    format!("/{}", parts.join("/"))
}

impl FlowLoader for DiskLoader {
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind> {
        if self.cache.contains_key(abspath) {
            return Some(ObjectKind::Jobflow);
        }
        let rel = abspath.trim_start_matches('/');
        if rel.is_empty() || self.root.join(rel).is_dir() {
            return Some(ObjectKind::Directory);
        }
        if self.file(abspath, "jf").is_file() || self.file(abspath, "jfc").is_file() {
            return Some(ObjectKind::Jobflow);
        }
        let sh = self.file(abspath, "sh");
        if sh.is_file() {
            return Some(ObjectKind::Script {
                file: sh.to_string_lossy().into_owned(),
            });
        }
        if self.file(abspath, "toml").is_file() {
            return Some(ObjectKind::Data);
        }
        None
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        if let Some(m) = self.cache.get(abspath) {
            return Ok(m.clone());
        }
        let path = self.file(abspath, "jf");
        if !path.is_file() {
            return Err(LoadError::NotFound {
                path: abspath.to_string(),
            });
        }
        let checked = check_file(&path, &self.check).map_err(|e| LoadError::Io {
            path: abspath.to_string(),
            message: e.to_string(),
        })?;
        if let Some(d) = checked.diagnostics.iter().find(|d| d.is_error()) {
            return Err(LoadError::Compile {
                path: abspath.to_string(),
                message: format!("{}: {}", d.code.as_str(), d.message),
            });
        }
        let module =
            codegen::generate(checked.program(), &checked.source, &path.display().to_string()).map_err(|e| {
                LoadError::Compile {
                    path: abspath.to_string(),
                    message: e.to_string(),
                }
            })?;
        let module = Rc::new(module);
        self.cache.insert(abspath.to_string(), module.clone());
        Ok(module)
    }
}
