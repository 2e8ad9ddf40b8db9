//! The connection settings of a job, from its control variables and the
//! NodeInfo and AccountInfo objects they name (`stdlib.md` 5.5,
//! `language.md` 4.4).
//!
//! Settings are built in four steps, each overriding the previous one:
//!
//! 1. from `__node__`: host = `ipaddr`, else `hostname`; `port`, `conntype`,
//!    `shell` and `use_shell` when not null; the credentials of its
//!    `account`;
//! 2. from `__account__`: its non-empty `user`, `password`, `passphrase` and
//!    `keyfile`;
//! 3. the jump chain: the node's `proxy`, then that node's `proxy`, and so
//!    on;
//! 4. every non-null control variable.
//!
//! Objects are read through the [`ObjectTree`] on the VM's thread, so field
//! writes made by a flow (`./web1.ipaddr = '10.0.0.5'`, [A13]) take effect.
//! A File key (`__keyfile__`, an AccountInfo's `keyfile`) travels as
//! [`KeyMaterial`], and a chain of NodeInfo jump hosts as [`JumpHost`]s with
//! their own accounts, because neither can be written as a string.
//!
//! An empty String counts as unset, as `''` does for `__host__` [A51]: an
//! empty `__user__` does not override the account's user.

use super::Abnormal;
use crate::bytecode::CtlVar;
use crate::context::RunContext;
use crate::effect::{CommandSettings, JumpHost, KeyMaterial};
use crate::native::ObjectTree;
use crate::process::{LinkedModule, Process};
use crate::value::{ObjectRef, Value};
use std::rc::Rc;

/// Why a job's control variables cannot be turned into settings. Either
/// ends the process abnormally.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContextError {
    /// A control variable (or a field of the object it names) has the
    /// wrong type or an impossible value.
    #[error("invalid context variable '{name}': {detail}")]
    Invalid {
        /// The variable (`__node__`).
        name: &'static str,
        /// What is wrong with it.
        detail: String,
    },
    /// A NodeInfo's `proxy` chain comes back to a node already in it.
    #[error("proxy chain is cyclic: {0}")]
    CyclicProxy(String),
}

/// The largest TCP port.
const MAX_PORT: i64 = 65535;

/// Login credentials as the steps build them (for the target or a hop).
#[derive(Default)]
struct Creds {
    user: Option<String>,
    password: Option<String>,
    keyfile: Option<String>,
    key: Option<KeyMaterial>,
    passphrase: Option<String>,
}

/// A key given as a path or as a File.
enum Key {
    Path(String),
    File(KeyMaterial),
}

impl Creds {
    fn set_key(&mut self, key: Key) {
        match key {
            Key::Path(p) => {
                self.keyfile = Some(p);
                self.key = None;
            }
            Key::File(k) => {
                self.key = Some(k);
                self.keyfile = None;
            }
        }
    }
}

/// Reads objects for one variable, whose name goes into every error.
struct Reader<'a> {
    tree: Option<&'a dyn ObjectTree>,
    name: &'static str,
}

impl Reader<'_> {
    fn invalid(&self, detail: impl Into<String>) -> ContextError {
        ContextError::Invalid {
            name: self.name,
            detail: detail.into(),
        }
    }

    /// `value` as an object of type `want` (`NodeInfo`, `AccountInfo`).
    fn object(&self, value: &Value, want: &str) -> Result<Rc<ObjectRef>, ContextError> {
        let Value::Object(o) = value else {
            return Err(self.invalid(format!("expected {}, not {}", a(want), value.type_name())));
        };
        let found = self.field(o, "type_name")?;
        match found.as_str() {
            Some(t) if t == want => Ok(o.clone()),
            Some(t) => Err(self.invalid(format!("{} is {}, not {}", o.abspath, a(t), a(want)))),
            None => Err(self.invalid(format!("{} is not {}", o.abspath, a(want)))),
        }
    }

    /// A property or field of `o` (null when it has none).
    fn field(&self, o: &ObjectRef, field: &str) -> Result<Value, ContextError> {
        let Some(tree) = self.tree else {
            return Err(self.invalid(format!("{}: no object tree to read it from", o.abspath)));
        };
        match tree.get(o, field) {
            Ok(v) => Ok(v.unwrap_or(Value::Null)),
            Err(e) => Err(self.invalid(e.detail)),
        }
    }

    /// A String field, `None` when null or empty.
    fn text(&self, o: &ObjectRef, field: &str) -> Result<Option<String>, ContextError> {
        let v = self.field(o, field)?;
        text(&v).map_err(|d| self.invalid(format!("{}: field '{field}': {d}", o.abspath)))
    }

    /// The NodeInfo's address: `ipaddr`, else `hostname`.
    fn address(&self, node: &ObjectRef) -> Result<Option<String>, ContextError> {
        match self.text(node, "ipaddr")? {
            Some(ip) => Ok(Some(ip)),
            None => self.text(node, "hostname"),
        }
    }

    /// The NodeInfo's `port`, checked.
    fn port(&self, node: &ObjectRef) -> Result<Option<i64>, ContextError> {
        let v = self.field(node, "port")?;
        port(&v).map_err(|d| self.invalid(format!("{}: field 'port': {d}", node.abspath)))
    }

    /// Overlays the non-empty credentials of the AccountInfo `account`.
    fn account(&self, account: &Value, creds: &mut Creds) -> Result<(), ContextError> {
        let a = self.object(account, "AccountInfo")?;
        if let Some(u) = self.text(&a, "user")? {
            creds.user = Some(u);
        }
        if let Some(p) = self.text(&a, "password")? {
            creds.password = Some(p);
        }
        if let Some(p) = self.text(&a, "passphrase")? {
            creds.passphrase = Some(p);
        }
        let k = self.field(&a, "keyfile")?;
        if let Some(k) = key(&k).map_err(|d| self.invalid(format!("{}: field 'keyfile': {d}", a.abspath)))? {
            creds.set_key(k);
        }
        Ok(())
    }

    /// The credentials of a NodeInfo's `account`, if it has one.
    fn node_account(&self, node: &ObjectRef, creds: &mut Creds) -> Result<(), ContextError> {
        let account = self.field(node, "account")?;
        if matches!(account, Value::Null) {
            return Ok(());
        }
        self.account(&account, creds)
            .map_err(|e| self.within(e, &format!("{}: account", node.abspath)))
    }

    /// Prefixes the detail of an error met inside another object.
    fn within(&self, e: ContextError, what: &str) -> ContextError {
        match e {
            ContextError::Invalid { detail, .. } => self.invalid(format!("{what}: {detail}")),
            other => other,
        }
    }

    /// The jump hosts of a chain that starts at `first` (a NodeInfo) and
    /// follows each one's `proxy`, outermost (reached directly) first.
    /// `seen` holds the nodes already on the way (the target, for step 3).
    fn chain(&self, first: Value, mut seen: Vec<String>) -> Result<Vec<JumpHost>, ContextError> {
        let mut hops = Vec::new();
        let mut next = first;
        while !matches!(next, Value::Null) {
            let node = self.object(&next, "NodeInfo")?;
            if seen.contains(&node.abspath) {
                seen.push(node.abspath.clone());
                return Err(ContextError::CyclicProxy(seen.join(" -> ")));
            }
            seen.push(node.abspath.clone());
            let Some(host) = self.address(&node)? else {
                return Err(self.invalid(format!("jump host {} has neither ipaddr nor hostname", node.abspath)));
            };
            let mut creds = Creds::default();
            self.node_account(&node, &mut creds)?;
            hops.push(JumpHost {
                host,
                port: self.port(&node)?,
                user: creds.user,
                password: creds.password,
                keyfile: creds.keyfile,
                key: creds.key,
                passphrase: creds.passphrase,
            });
            next = self.field(&node, "proxy")?;
        }
        hops.reverse();
        Ok(hops)
    }
}

/// `word` with its indefinite article (`an AccountInfo`).
fn a(word: &str) -> String {
    if word.starts_with(['A', 'E', 'I', 'O', 'U']) {
        format!("an {word}")
    } else {
        format!("a {word}")
    }
}

/// A String (`None` when empty); anything else but null is the wrong type.
fn text(v: &Value) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Str(s) if s.as_str().is_empty() => Ok(None),
        Value::Str(s) => Ok(Some(s.as_str().to_owned())),
        other => Err(format!("expected a String, not {}", other.type_name())),
    }
}

/// A port: an Integer (or a String of digits) in 1..=65535.
fn port(v: &Value) -> Result<Option<i64>, String> {
    let p = match v {
        Value::Null => return Ok(None),
        Value::Int(p) => *p,
        Value::Str(s) => match s.as_str().trim().parse::<i64>() {
            Ok(p) => p,
            Err(_) => return Err(format!("'{}' is not a port number (1-65535)", s.as_str())),
        },
        Value::BigInt(b) => return Err(format!("{b} is not a port number (1-65535)")),
        other => return Err(format!("expected an Integer, not {}", other.type_name())),
    };
    if (1..=MAX_PORT).contains(&p) {
        Ok(Some(p))
    } else {
        Err(format!("{p} is not a port number (1-65535)"))
    }
}

/// A private key: a path String or a File (`None` when null or empty).
fn key(v: &Value) -> Result<Option<Key>, String> {
    match v {
        Value::Null => Ok(None),
        Value::Str(s) if s.as_str().is_empty() => Ok(None),
        Value::Str(s) => Ok(Some(Key::Path(s.as_str().to_owned()))),
        Value::File(f) if f.data.is_empty() => Ok(None),
        Value::File(f) => Ok(Some(Key::File(KeyMaterial {
            name: f.name.clone(),
            data: f.data.clone(),
        }))),
        other => Err(format!("expected a path or a File, not {}", other.type_name())),
    }
}

/// `__timeout__` in seconds: a number (or a String of one); 0 or less is
/// none.
fn timeout(v: &Value) -> Result<Option<f64>, String> {
    let t = match v {
        Value::Null => return Ok(None),
        Value::Int(t) => *t as f64,
        Value::BigInt(_) => f64::INFINITY,
        Value::Float(t) => *t,
        Value::Str(s) => match s.as_str().trim().parse::<f64>() {
            Ok(t) => t,
            Err(_) => return Err(format!("'{}' is not a number of seconds", s.as_str())),
        },
        other => return Err(format!("expected a number of seconds, not {}", other.type_name())),
    };
    if t.is_nan() {
        return Err("nan is not a number of seconds".to_owned());
    }
    Ok((t > 0.0).then_some(t))
}

/// A Boolean control variable with its default (any other value by its
/// truth, as Kompira's Python does).
fn flag(v: &Value, default: bool) -> bool {
    match v {
        Value::Null => default,
        other => other.truthy(),
    }
}

/// A control variable used as text (its string form; `None` for null or
/// `''`).
fn text_form(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Str(s) if s.as_str().is_empty() => None,
        other => Some(other.to_str_form()),
    }
}

impl Process {
    /// The settings of the job about to run, from the control variables
    /// visible at it; a bad one ends the process abnormally.
    pub(crate) fn job_settings(
        &mut self,
        ctx: &RunContext<'_>,
        lm: &LinkedModule,
    ) -> Result<CommandSettings, Abnormal> {
        let ctl = self.effective_ctl(lm);
        resolve(&ctl[..], ctx.objects).map_err(|e| Abnormal::new(e.to_string()))
    }

    /// The settings handed to a built-in job that never goes remote
    /// (`urlopen`, `mailto`, `download`, `upload`): the node, account and
    /// proxy are not its business, and nothing in them can end it.
    pub(crate) fn local_job_settings(&mut self, lm: &LinkedModule) -> CommandSettings {
        let mut ctl = self.effective_ctl(lm);
        let vars = std::rc::Rc::make_mut(&mut ctl);
        for c in [CtlVar::Node, CtlVar::Account, CtlVar::Proxy] {
            if let Some(v) = vars.get_mut(c.index()) {
                *v = Value::Null;
            }
        }
        resolve(&vars[..], None).unwrap_or_else(|_| CommandSettings {
            use_shell: true,
            use_cache: true,
            ..CommandSettings::default()
        })
    }
}

/// The settings of a job whose visible control variables are `ctl`
/// (indexed by [`CtlVar::index`]), reading `__node__`, `__account__` and
/// a NodeInfo `__proxy__` through `objects`.
pub fn resolve(ctl: &[Value], objects: Option<&dyn ObjectTree>) -> Result<CommandSettings, ContextError> {
    let get = |c: CtlVar| ctl.get(c.index()).unwrap_or(&Value::Null);
    let reader = |c: CtlVar| Reader {
        tree: objects,
        name: c.name(),
    };
    let checked = |c: CtlVar, r: Result<Option<String>, String>| {
        r.map_err(|detail| ContextError::Invalid { name: c.name(), detail })
    };
    let mut s = CommandSettings {
        use_shell: true,
        use_cache: true,
        ..CommandSettings::default()
    };
    let mut creds = Creds::default();
    // A node without an address, reported only if no `__host__` replaces it.
    let mut addressless: Option<String> = None;

    // 1. `__node__`.
    let node_value = get(CtlVar::Node);
    let node = match node_value {
        Value::Null => None,
        v => {
            let r = reader(CtlVar::Node);
            let node = r.object(v, "NodeInfo")?;
            s.host = r.address(&node)?;
            if s.host.is_none() {
                addressless = Some(node.abspath.clone());
            }
            s.port = r.port(&node)?;
            s.conntype = r.text(&node, "conntype")?;
            if let Some(shell) = r.text(&node, "shell")? {
                s.shell = Some(shell);
            }
            let use_shell = r.field(&node, "use_shell")?;
            s.use_shell = flag(&use_shell, true);
            r.node_account(&node, &mut creds)?;
            Some((r, node))
        }
    };

    // 2. `__account__`.
    let account = get(CtlVar::Account);
    if !matches!(account, Value::Null) {
        reader(CtlVar::Account).account(account, &mut creds)?;
    }

    // 3. The node's jump chain.
    if let Some((r, node)) = &node {
        let proxy = r.field(node, "proxy")?;
        s.jumps = r.chain(proxy, vec![node.abspath.clone()])?;
    }

    // 4. Every non-null control variable.
    match get(CtlVar::Host) {
        Value::Null => {}
        v => {
            if let Some(h) = checked(CtlVar::Host, text(v))? {
                s.host = Some(h);
                addressless = None;
            }
        }
    }
    if let Some(node) = addressless {
        return Err(ContextError::Invalid {
            name: CtlVar::Node.name(),
            detail: format!("{node} has neither ipaddr nor hostname"),
        });
    }
    if let Some(p) = port(get(CtlVar::Port)).map_err(|detail| ContextError::Invalid {
        name: CtlVar::Port.name(),
        detail,
    })? {
        s.port = Some(p);
    }
    if let Some(c) = checked(CtlVar::Conntype, text(get(CtlVar::Conntype)))? {
        s.conntype = Some(c);
    }
    if let Some(u) = checked(CtlVar::User, text(get(CtlVar::User)))? {
        creds.user = Some(u);
    }
    if let Some(p) = checked(CtlVar::Password, text(get(CtlVar::Password)))? {
        creds.password = Some(p);
    }
    if let Some(p) = checked(CtlVar::Passphrase, text(get(CtlVar::Passphrase)))? {
        creds.passphrase = Some(p);
    }
    if let Some(k) = key(get(CtlVar::Keyfile)).map_err(|detail| ContextError::Invalid {
        name: CtlVar::Keyfile.name(),
        detail,
    })? {
        creds.set_key(k);
    }
    match get(CtlVar::Proxy) {
        Value::Null => {}
        Value::Str(p) if p.as_str().is_empty() => {}
        Value::Str(p) => {
            s.proxy = Some(p.as_str().to_owned());
            s.jumps.clear();
        }
        v @ Value::Object(_) => {
            s.jumps = reader(CtlVar::Proxy).chain(v.clone(), Vec::new())?;
            s.proxy = None;
        }
        other => {
            return Err(ContextError::Invalid {
                name: CtlVar::Proxy.name(),
                detail: format!("expected a NodeInfo or '[user@]host[:port]', not {}", other.type_name()),
            })
        }
    }
    if let Some(sh) = text_form(get(CtlVar::Shell)) {
        s.shell = Some(sh);
    }
    let use_shell = get(CtlVar::UseShell);
    if !matches!(use_shell, Value::Null) {
        s.use_shell = use_shell.truthy();
    }
    s.dir = text_form(get(CtlVar::Dir));
    s.sudo = flag(get(CtlVar::Sudo), false);
    s.timeout = timeout(get(CtlVar::Timeout)).map_err(|detail| ContextError::Invalid {
        name: CtlVar::Timeout.name(),
        detail,
    })?;
    s.use_pty = flag(get(CtlVar::UsePty), false);
    s.use_cache = flag(get(CtlVar::UseCache), true);
    s.raw_stdout = flag(get(CtlVar::RawStdout), false);
    s.raw_stderr = flag(get(CtlVar::RawStderr), false);
    s.encoding = text_form(get(CtlVar::Encoding));

    s.user = creds.user;
    s.password = creds.password;
    s.keyfile = creds.keyfile;
    s.key = creds.key;
    s.passphrase = creds.passphrase;
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bytecode::CTL_COUNT;
    use crate::native::NativeError;
    use crate::value::File;
    use std::collections::HashMap;

    /// An object tree in memory: abspath → fields (with `type_name`).
    #[derive(Default)]
    struct Tree(HashMap<String, HashMap<&'static str, Value>>);

    impl Tree {
        fn add(&mut self, path: &str, type_name: &str, fields: Vec<(&'static str, Value)>) -> Value {
            let mut map: HashMap<&'static str, Value> = fields.into_iter().collect();
            map.insert("type_name", Value::str(type_name));
            self.0.insert(path.to_owned(), map);
            obj(path)
        }
    }

    impl ObjectTree for Tree {
        fn lookup(&self, abspath: &str) -> Option<ObjectRef> {
            self.0.contains_key(abspath).then(|| ObjectRef {
                abspath: abspath.to_owned(),
            })
        }

        fn get(&self, object: &ObjectRef, name: &str) -> Result<Option<Value>, NativeError> {
            match self.0.get(&object.abspath) {
                Some(fields) => Ok(fields.get(name).cloned()),
                None => Err(NativeError::new(format!("Object \"{}\" is not found", object.abspath))),
            }
        }

        fn children(&self, _object: &ObjectRef) -> Vec<ObjectRef> {
            Vec::new()
        }

        fn set(&self, _object: &ObjectRef, _name: &str, _value: &Value) -> Result<(), NativeError> {
            Err(NativeError::new("read-only"))
        }
    }

    fn obj(path: &str) -> Value {
        Value::Object(Rc::new(ObjectRef {
            abspath: path.to_owned(),
        }))
    }

    fn file(name: &str, data: &str) -> Value {
        Value::File(Rc::new(File {
            name: name.to_owned(),
            data: data.as_bytes().to_vec(),
        }))
    }

    fn ctl(vars: Vec<(CtlVar, Value)>) -> Vec<Value> {
        let mut out = vec![Value::Null; CTL_COUNT];
        for (c, v) in vars {
            out[c.index()] = v;
        }
        out
    }

    /// A node `/web1` at 10.0.0.1:2222 whose account `/ops` logs in as
    /// `ops` with a File key.
    fn web1() -> Tree {
        let mut t = Tree::default();
        let ops = t.add(
            "/ops",
            "AccountInfo",
            vec![
                ("user", Value::str("ops")),
                ("password", Value::str("ops-pw")),
                ("keyfile", file("id_ops", "KEY-OPS")),
            ],
        );
        t.add(
            "/web1",
            "NodeInfo",
            vec![
                ("hostname", Value::str("web1.example")),
                ("ipaddr", Value::str("10.0.0.1")),
                ("port", Value::Int(2222)),
                ("shell", Value::str("/bin/sh")),
                ("account", ops),
            ],
        );
        t
    }

    #[test]
    fn no_node_gives_the_control_variables_alone() {
        let s = resolve(&ctl(vec![(CtlVar::Host, Value::str("h"))]), None).unwrap();
        assert_eq!(s.host.as_deref(), Some("h"));
        assert!(s.use_shell && s.use_cache && !s.sudo);
        assert_eq!((s.user, s.key, s.jumps.len()), (None, None, 0));
        let s = resolve(&ctl(vec![(CtlVar::Host, Value::str(""))]), None).unwrap();
        assert_eq!(s.host, None);
    }

    #[test]
    fn a_node_gives_host_port_shell_and_its_account() {
        let t = web1();
        let s = resolve(&ctl(vec![(CtlVar::Node, obj("/web1"))]), Some(&t)).unwrap();
        assert_eq!(s.host.as_deref(), Some("10.0.0.1"));
        assert_eq!(s.port, Some(2222));
        assert_eq!(s.shell.as_deref(), Some("/bin/sh"));
        assert_eq!(s.user.as_deref(), Some("ops"));
        assert_eq!(s.password.as_deref(), Some("ops-pw"));
        assert_eq!(s.key.as_ref().map(|k| k.data.as_slice()), Some(&b"KEY-OPS"[..]));
        assert_eq!(s.keyfile, None);
        // The key never shows in Debug.
        let dbg = format!("{s:?}");
        assert!(!dbg.contains("KEY-OPS") && !dbg.contains("ops-pw"), "{dbg}");
    }

    #[test]
    fn hostname_when_no_ipaddr_and_an_addressless_node_is_an_error() {
        let mut t = Tree::default();
        t.add(
            "/n",
            "NodeInfo",
            vec![("hostname", Value::str("n.example")), ("ipaddr", Value::str(""))],
        );
        t.add("/bare", "NodeInfo", vec![]);
        let s = resolve(&ctl(vec![(CtlVar::Node, obj("/n"))]), Some(&t)).unwrap();
        assert_eq!(s.host.as_deref(), Some("n.example"));
        let e = resolve(&ctl(vec![(CtlVar::Node, obj("/bare"))]), Some(&t)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid context variable '__node__': /bare has neither ipaddr nor hostname"
        );
        // An explicit __host__ makes the node's address unnecessary.
        let s = resolve(
            &ctl(vec![(CtlVar::Node, obj("/bare")), (CtlVar::Host, Value::str("x"))]),
            Some(&t),
        )
        .unwrap();
        assert_eq!(s.host.as_deref(), Some("x"));
    }

    #[test]
    fn account_overrides_the_nodes_and_variables_override_both() {
        let mut t = web1();
        let dev = t.add(
            "/dev",
            "AccountInfo",
            vec![
                ("user", Value::str("dev")),
                ("password", Value::str("")),
                ("keyfile", Value::str("/k/dev")),
            ],
        );
        let s = resolve(
            &ctl(vec![(CtlVar::Node, obj("/web1")), (CtlVar::Account, dev.clone())]),
            Some(&t),
        )
        .unwrap();
        assert_eq!(s.user.as_deref(), Some("dev"));
        // An empty password does not override; a key path replaces the File.
        assert_eq!(s.password.as_deref(), Some("ops-pw"));
        assert_eq!((s.keyfile.as_deref(), s.key.is_none()), (Some("/k/dev"), true));
        let s = resolve(
            &ctl(vec![
                (CtlVar::Node, obj("/web1")),
                (CtlVar::Account, dev),
                (CtlVar::User, Value::str("me")),
                (CtlVar::Port, Value::str("2200")),
                (CtlVar::Host, Value::str("other")),
                (CtlVar::Keyfile, file("k2", "KEY2")),
                (CtlVar::Conntype, Value::str("ssh")),
            ]),
            Some(&t),
        )
        .unwrap();
        assert_eq!(
            (s.user.as_deref(), s.port, s.host.as_deref()),
            (Some("me"), Some(2200), Some("other"))
        );
        assert_eq!((s.keyfile, s.key.map(|k| k.name)), (None, Some("k2".to_owned())));
    }

    #[test]
    fn node_fields_are_read_when_not_null() {
        let mut t = Tree::default();
        t.add(
            "/w",
            "NodeInfo",
            vec![
                ("hostname", Value::str("w")),
                ("conntype", Value::str("winrs")),
                ("use_shell", Value::Bool(false)),
            ],
        );
        let s = resolve(&ctl(vec![(CtlVar::Node, obj("/w"))]), Some(&t)).unwrap();
        assert_eq!(s.conntype.as_deref(), Some("winrs"));
        assert!(!s.use_shell);
        assert_eq!((s.port, s.shell), (None, None));
        let s = resolve(
            &ctl(vec![(CtlVar::Node, obj("/w")), (CtlVar::UseShell, Value::Bool(true))]),
            Some(&t),
        )
        .unwrap();
        assert!(s.use_shell);
    }

    #[test]
    fn the_proxy_chain_is_outermost_first_with_each_hops_account() {
        let mut t = web1();
        let jacct = t.add("/jacct", "AccountInfo", vec![("user", Value::str("jumper"))]);
        let outer = t.add("/outer", "NodeInfo", vec![("ipaddr", Value::str("192.0.2.1"))]);
        let inner = t.add(
            "/inner",
            "NodeInfo",
            vec![
                ("hostname", Value::str("inner")),
                ("port", Value::Int(2022)),
                ("account", jacct),
                ("proxy", outer),
            ],
        );
        t.add(
            "/target",
            "NodeInfo",
            vec![("hostname", Value::str("target")), ("proxy", inner.clone())],
        );
        let s = resolve(&ctl(vec![(CtlVar::Node, obj("/target"))]), Some(&t)).unwrap();
        let hops: Vec<(String, Option<i64>, Option<String>)> = s
            .jumps
            .iter()
            .map(|j| (j.host.clone(), j.port, j.user.clone()))
            .collect();
        assert_eq!(
            hops,
            vec![
                ("192.0.2.1".to_owned(), None, None),
                ("inner".to_owned(), Some(2022), Some("jumper".to_owned())),
            ]
        );
        // A string __proxy__ replaces the chain; a NodeInfo one starts a new one.
        let s = resolve(
            &ctl(vec![
                (CtlVar::Node, obj("/target")),
                (CtlVar::Proxy, Value::str("j@h:1")),
            ]),
            Some(&t),
        )
        .unwrap();
        assert_eq!((s.proxy.as_deref(), s.jumps.len()), (Some("j@h:1"), 0));
        let s = resolve(
            &ctl(vec![(CtlVar::Host, Value::str("x")), (CtlVar::Proxy, inner)]),
            Some(&t),
        )
        .unwrap();
        assert_eq!(s.jumps.len(), 2);
        assert_eq!(s.jumps[1].host, "inner");
    }

    #[test]
    fn a_cyclic_proxy_chain_is_an_error() {
        let mut t = Tree::default();
        t.add(
            "/a",
            "NodeInfo",
            vec![("hostname", Value::str("a")), ("proxy", obj("/b"))],
        );
        t.add(
            "/b",
            "NodeInfo",
            vec![("hostname", Value::str("b")), ("proxy", obj("/a"))],
        );
        t.add(
            "/self",
            "NodeInfo",
            vec![("hostname", Value::str("s")), ("proxy", obj("/self"))],
        );
        let e = resolve(&ctl(vec![(CtlVar::Node, obj("/a"))]), Some(&t)).unwrap_err();
        assert_eq!(e.to_string(), "proxy chain is cyclic: /a -> /b -> /a");
        let e = resolve(&ctl(vec![(CtlVar::Node, obj("/self"))]), Some(&t)).unwrap_err();
        assert_eq!(e.to_string(), "proxy chain is cyclic: /self -> /self");
        let e = resolve(
            &ctl(vec![(CtlVar::Host, Value::str("h")), (CtlVar::Proxy, obj("/b"))]),
            Some(&t),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "proxy chain is cyclic: /b -> /a -> /b");
    }

    #[test]
    fn wrong_types_are_invalid_context_variables() {
        let mut t = web1();
        t.add(
            "/badport",
            "NodeInfo",
            vec![("hostname", Value::str("b")), ("port", Value::str("x"))],
        );
        t.add(
            "/badacct",
            "NodeInfo",
            vec![("hostname", Value::str("b")), ("account", obj("/web1"))],
        );
        let cases: Vec<(Vec<(CtlVar, Value)>, &str)> = vec![
            (
                vec![(CtlVar::Node, Value::str("web1"))],
                "invalid context variable '__node__': expected a NodeInfo, not String",
            ),
            (
                vec![(CtlVar::Node, obj("/ops"))],
                "invalid context variable '__node__': /ops is an AccountInfo, not a NodeInfo",
            ),
            (
                vec![(CtlVar::Node, obj("/nope"))],
                "invalid context variable '__node__': Object \"/nope\" is not found",
            ),
            (
                vec![(CtlVar::Account, obj("/web1"))],
                "invalid context variable '__account__': /web1 is a NodeInfo, not an AccountInfo",
            ),
            (
                vec![(CtlVar::Node, obj("/badport"))],
                "invalid context variable '__node__': /badport: field 'port': 'x' is not a port number (1-65535)",
            ),
            (
                vec![(CtlVar::Node, obj("/badacct"))],
                "invalid context variable '__node__': /badacct: account: /web1 is a NodeInfo, not an AccountInfo",
            ),
            (
                vec![(CtlVar::Port, Value::Int(70000))],
                "invalid context variable '__port__': 70000 is not a port number (1-65535)",
            ),
            (
                vec![(CtlVar::Port, Value::Bool(true))],
                "invalid context variable '__port__': expected an Integer, not Boolean",
            ),
            (
                vec![(CtlVar::Host, Value::Int(1))],
                "invalid context variable '__host__': expected a String, not Integer",
            ),
            (
                vec![(CtlVar::User, Value::Int(1))],
                "invalid context variable '__user__': expected a String, not Integer",
            ),
            (
                vec![(CtlVar::Keyfile, Value::Int(1))],
                "invalid context variable '__keyfile__': expected a path or a File, not Integer",
            ),
            (
                vec![(CtlVar::Proxy, Value::Int(1))],
                "invalid context variable '__proxy__': expected a NodeInfo or '[user@]host[:port]', not Integer",
            ),
            (
                vec![(CtlVar::Timeout, Value::str("soon"))],
                "invalid context variable '__timeout__': 'soon' is not a number of seconds",
            ),
        ];
        for (vars, want) in cases {
            let got = resolve(&ctl(vars), Some(&t)).unwrap_err();
            assert_eq!(got.to_string(), want);
        }
        let e = resolve(&ctl(vec![(CtlVar::Node, obj("/web1"))]), None).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("invalid context variable '__node__': /web1: no object tree"));
    }
}
