//! A [`FlowLoader`] over a flow root: object paths to files under the root
//! (`cli-and-layout.md`), flows compiled on first use and cached. `jobflow
//! run` and the [`Engine`](crate::Engine) load sub-flows with it.

use jobflow_compiler::codegen;
use jobflow_compiler::driver::{check_file, CheckContext};
use jobflow_compiler::resolve::{ObjectKind as TreeKind, PathContext, ResolvedObject};
use jobflow_compiler::syntax::ast::ObjectPath;
use jobflow_vm::bytecode::format::read_module;
use jobflow_vm::bytecode::Module;
use jobflow_vm::context::{FlowLoader, LoadError, ObjectKind};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Loads flows from the directory tree under `root`.
///
/// Object paths name files as `jobflow check` resolves them
/// (`cli-and-layout.md`): `NAME.jf`, `NAME.jfc`, `NAME.toml`, `NAME.sh`,
/// directory `NAME/`, an executable `#!` file `NAME`. A Jobflow runs from
/// its `NAME.jfc` when no `NAME.jf` is newer, else from its source.
pub struct DiskLoader {
    root: PathBuf,
    check: CheckContext,
    cache: HashMap<String, Rc<Module>>,
}

impl DiskLoader {
    /// A loader for the flow root `root` (made absolute against the current
    /// directory, so that the scripts it names run from any `__dir__`).
    pub fn new(root: PathBuf, check: CheckContext) -> Self {
        DiskLoader {
            root: std::path::absolute(&root).unwrap_or(root),
            check,
            cache: HashMap::new(),
        }
    }

    /// Registers an already compiled module (the first flow).
    pub fn insert(&mut self, abspath: &str, module: Rc<Module>) {
        self.cache.insert(abspath.to_string(), module);
    }

    /// The object `abspath` names, found as `jobflow check` finds it.
    fn locate(&self, abspath: &str) -> Option<ResolvedObject> {
        let tree = PathContext {
            root: &self.root,
            flow_dir: &self.root,
        };
        let path = ObjectPath { text: abspath.into() };
        tree.resolve(&path, self.check.sources.as_ref()).ok()
    }

    /// Compiles the source `path` of the Jobflow `abspath`.
    fn compile(&self, abspath: &str, path: &Path) -> Result<Module, LoadError> {
        let checked = check_file(path, &self.check).map_err(|e| LoadError::Io {
            path: abspath.to_string(),
            message: e.to_string(),
        })?;
        if let Some(d) = checked.diagnostics.iter().find(|d| d.is_error()) {
            return Err(LoadError::Compile {
                path: abspath.to_string(),
                message: format!("{}: {}", d.code.as_str(), d.message),
            });
        }
        codegen::generate(checked.program(), &checked.source, &path.display().to_string()).map_err(|e| {
            LoadError::Compile {
                path: abspath.to_string(),
                message: e.to_string(),
            }
        })
    }

    /// Reads and verifies the compiled module `path` of the Jobflow
    /// `abspath`; a corrupt module is an error, never run.
    fn read_compiled(&self, abspath: &str, path: &Path) -> Result<Module, LoadError> {
        let io = |message: String| LoadError::Io {
            path: abspath.to_string(),
            message,
        };
        let bytes = self
            .check
            .sources
            .read_bytes(path)
            .map_err(|e| io(format!("cannot read {}: {e}", path.display())))?;
        read_module(&bytes).map_err(|e| io(format!("{}: {e}", path.display())))
    }
}

/// The compiled module beside the source `jf` (`NAME.jfc`), when it exists
/// and `jf` is not newer (`cli-and-layout.md`: "used when no `NAME.jf` is
/// newer").
fn compiled_beside(jf: &Path) -> Option<PathBuf> {
    let jfc = jf.with_extension("jfc");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let compiled = modified(&jfc)?;
    match modified(jf) {
        Some(source) if source > compiled => None,
        _ => Some(jfc),
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
        let found = self.locate(abspath)?;
        Some(match found.kind {
            TreeKind::Directory => ObjectKind::Directory,
            TreeKind::Jobflow | TreeKind::CompiledJobflow => ObjectKind::Jobflow,
            TreeKind::Data => ObjectKind::Data,
            TreeKind::Script => ObjectKind::Script {
                file: found.file.to_string_lossy().into_owned(),
            },
        })
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        if let Some(m) = self.cache.get(abspath) {
            return Ok(m.clone());
        }
        let module = match self.locate(abspath) {
            Some(ResolvedObject {
                kind: TreeKind::Jobflow,
                file,
            }) => match compiled_beside(&file) {
                Some(jfc) => self.read_compiled(abspath, &jfc)?,
                None => self.compile(abspath, &file)?,
            },
            Some(ResolvedObject {
                kind: TreeKind::CompiledJobflow,
                file,
            }) => self.read_compiled(abspath, &file)?,
            _ => {
                return Err(LoadError::NotFound {
                    path: abspath.to_string(),
                })
            }
        };
        let module = Rc::new(module);
        self.cache.insert(abspath.to_string(), module.clone());
        Ok(module)
    }
}
