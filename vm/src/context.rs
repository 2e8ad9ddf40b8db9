//! What a running process needs from its embedder: the built-in library, a
//! way to load the flows it calls, the object tree, and somewhere to print.

use crate::bytecode::Module;
use crate::native::{Library, ObjectTree};
use std::rc::Rc;

/// Why a flow could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// No flow at that path.
    #[error("jobflow {path} not found")]
    NotFound {
        /// The object path.
        path: String,
    },
    /// The flow's source has errors.
    #[error("jobflow {path} does not compile: {message}")]
    Compile {
        /// The object path.
        path: String,
        /// The first diagnostic, rendered on one line.
        message: String,
    },
    /// The file could not be read, or a `.jfc` module is corrupt.
    #[error("cannot load jobflow {path}: {message}")]
    Io {
        /// The object path.
        path: String,
        /// What went wrong.
        message: String,
    },
}

/// What an object path names (`cli-and-layout.md`, "the object tree").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// A directory.
    Directory,
    /// A jobflow (`NAME.jf` or `NAME.jfc`).
    Jobflow,
    /// A ScriptJob: the file to run.
    Script {
        /// The script file on disk.
        file: String,
    },
    /// A data object (`NAME.toml`).
    Data,
}

/// Finds and loads the flows a process calls. The VM does not depend on the
/// compiler: the `jobflow` binary implements this with it (compile on first
/// use, cache; `.jfc` when no newer `.jf` exists).
pub trait FlowLoader {
    /// What the absolute object path names, if anything.
    fn kind(&mut self, abspath: &str) -> Option<ObjectKind>;
    /// The compiled module of the jobflow at `abspath`.
    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError>;
}

/// A loader that knows no flows (for processes that call none).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoFlows;

impl FlowLoader for NoFlows {
    fn kind(&mut self, _abspath: &str) -> Option<ObjectKind> {
        None
    }

    fn load(&mut self, abspath: &str) -> Result<Rc<Module>, LoadError> {
        Err(LoadError::NotFound {
            path: abspath.to_string(),
        })
    }
}

/// The services [`Process::run`](crate::process::Process::run) uses.
pub struct RunContext<'a> {
    /// Built-in functions, methods and properties.
    pub library: &'a Library,
    /// Loads called flows.
    pub loader: &'a mut dyn FlowLoader,
    /// The object tree, when the process has a flow root.
    pub objects: Option<&'a dyn ObjectTree>,
    /// Where `print` writes (one line per call, flushed per line).
    pub output: &'a mut dyn std::io::Write,
    /// What processes share (records, channels, waits), when a scheduler
    /// runs the process; without it, fork, pfor, event jobs on channels or
    /// processes, and Process properties are runtime errors.
    pub world: Option<&'a mut crate::sched::World>,
}
