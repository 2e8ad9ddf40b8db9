//! Values as a graph: each Array, Dictionary, Pattern and Function once in a
//! node table, and each String once in a string table, referred to by
//! index, so sharing and cycles survive a snapshot.
//!
//! Arrays and Dictionaries are mutable and shared by reference inside a
//! process: two variables holding the same Array must still hold one Array
//! after a restore, and an Array that contains itself must still do so.
//! Identity is `Rc::as_ptr`. Patterns and Functions are immutable, but they
//! hold values (a pattern's source, a bound method's receiver), so they are
//! nodes too and keep what they hold shared.
//!
//! Writing is iterative for containers (a work queue, not recursion), so a
//! deeply nested Array cannot overflow the stack. A Pattern or Function node
//! is pushed after the values it holds, so it only refers to Pattern and
//! Function nodes of smaller index: reading builds them in index order
//! without recursion, and a hostile table with a cycle among them is an
//! error. Nothing in the serialized types is recursive, so decoding is flat.
//!
//! The items of every Array and the entries of every Dictionary are one flat
//! item table, in node order (an Array node holds its length, a Dictionary
//! node its number of entries, each a key then a value), so neither side
//! allocates a list per container.
//!
//! Strings are immutable but shared too (a constant of the module, `""` in
//! every frame's `$RESULT`): the string table holds each shared String once,
//! so a save copies no text (it holds the Strings until written) and a
//! restore makes each String once, from text borrowed from the snapshot's
//! bytes.

use super::SnapshotError;
use crate::value::{Array, Dict, DictMap, File, Function, Key, ObjectRef, PatternKind, Timedelta, Value};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::rc::Rc;

/// A value in a snapshot: scalars inline, everything shared by node index.
// `Box<Vec<u8>>` (not `Box<[u8]>`, 16 bytes) keeps the enum at 16 bytes.
#[allow(clippy::box_collection)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum SValue {
    /// `null`.
    Null,
    /// A Boolean.
    Bool(bool),
    /// An Integer in i64.
    Int(i64),
    /// A larger Integer: two's-complement little-endian bytes. (The rare
    /// kinds are boxed, so an `SValue` is 16 bytes.)
    BigInt(Box<Vec<u8>>),
    /// A Float.
    Float(f64),
    /// A String: an index into the string table.
    Str(u32),
    /// A Binary.
    Binary(Box<Vec<u8>>),
    /// An Array node.
    Array(u32),
    /// A Dictionary node.
    Dict(u32),
    /// A Pattern node.
    Pattern(u32),
    /// A Function node.
    Function(u32),
    /// A Datetime.
    Datetime(Box<DatetimeState>),
    /// A Date.
    Date {
        /// Year.
        year: i16,
        /// Month, 1–12.
        month: i8,
        /// Day, 1–31.
        day: i8,
    },
    /// A Time.
    Time {
        /// Hour.
        hour: i8,
        /// Minute.
        minute: i8,
        /// Second.
        second: i8,
        /// Nanoseconds within the second.
        nanos: i32,
    },
    /// A Timedelta.
    Timedelta(Box<Timedelta>),
    /// An object handle.
    Object(Box<ObjectRef>),
    /// An attached file.
    File(Box<File>),
    /// A channel handle.
    Channel(u64),
    /// A session channel handle.
    SessionChannel(u64),
    /// A process handle.
    Process(u64),
}

/// A Datetime: the instant, and its zone by IANA name (`None` for a zone
/// without one: then the fixed offset at that instant).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DatetimeState {
    /// Nanoseconds since the Unix epoch.
    nanos: i128,
    /// The IANA zone name.
    zone: Option<String>,
    /// The UTC offset in seconds at that instant.
    offset: i32,
}

/// A node of the value graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) enum Node {
    /// An Array: its items are the next this many of the item table.
    Array(u32),
    /// A Dictionary: its entries in order are the next twice this many of
    /// the item table, key then value.
    Dict(u32),
    /// A Pattern, recompiled on restore.
    Pattern {
        /// Regex, glob or exact.
        kind: PatternKind,
        /// The `i` flag.
        ignore_case: bool,
        /// The source value.
        source: SValue,
    },
    /// A built-in function by name.
    Builtin(String),
    /// A bound method.
    Method {
        /// The receiver.
        receiver: SValue,
        /// The method's name.
        name: String,
    },
}

/// The String values of a snapshot, each once, in the order first met.
///
/// Written from the Strings themselves (held, not copied) and read as text
/// borrowed from the snapshot's bytes; both are a sequence of `str`.
#[derive(Debug)]
pub(crate) enum Strings<'a> {
    /// The String values being written.
    Held(Vec<Value>),
    /// The text read back.
    Read(Vec<&'a str>),
}

impl Serialize for Strings<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Strings::Held(values) => s.collect_seq(values.iter().map(|v| v.as_str().unwrap_or_default())),
            Strings::Read(texts) => s.collect_seq(texts),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Strings<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<&'a str>::deserialize(d).map(Strings::Read)
    }
}

/// The value graph of a snapshot: the tables [`SValue`]s refer to.
#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Tables<'a> {
    /// Strings, each once.
    #[serde(borrow)]
    pub strings: Strings<'a>,
    /// Arrays, Dictionaries, Patterns and Functions, each once.
    pub nodes: Vec<Node>,
    /// The items of the Arrays and the entries of the Dictionaries, in node
    /// order.
    pub items: Vec<SValue>,
}

/// Why a value could not be written down: the two ways of
/// [`SnapshotError`] that writing a value has, in one byte, so the result
/// of [`Encoder::value`] stays small.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EncodeError {
    /// More than 2³² nodes or strings.
    TooManyValues,
    /// An Array or Dictionary is borrowed for writing.
    Busy,
}

impl From<EncodeError> for SnapshotError {
    fn from(e: EncodeError) -> SnapshotError {
        match e {
            EncodeError::TooManyValues => SnapshotError::TooManyValues,
            EncodeError::Busy => SnapshotError::Busy,
        }
    }
}

/// Builds the node and string tables while values are written.
#[derive(Default)]
pub(crate) struct Encoder {
    ids: FxHashMap<*const (), u32>,
    nodes: Vec<Node>,
    /// Containers by node, in node order: those from `filled` on are
    /// reserved but not filled yet.
    queue: Vec<(u32, Value)>,
    filled: usize,
    items: Vec<SValue>,
    string_ids: FxHashMap<*const (), u32>,
    strings: Vec<Value>,
}

impl Encoder {
    fn reserve(&mut self, ptr: *const (), placeholder: Node, v: &Value) -> Result<u32, EncodeError> {
        if let Some(id) = self.ids.get(&ptr) {
            return Ok(*id);
        }
        let id = u32::try_from(self.nodes.len()).map_err(|_| EncodeError::TooManyValues)?;
        self.nodes.push(placeholder);
        self.ids.insert(ptr, id);
        self.queue.push((id, v.clone()));
        Ok(id)
    }

    fn string(&mut self, ptr: *const (), v: &Value) -> Result<u32, EncodeError> {
        if let Some(id) = self.string_ids.get(&ptr) {
            return Ok(*id);
        }
        let id = u32::try_from(self.strings.len()).map_err(|_| EncodeError::TooManyValues)?;
        self.strings.push(v.clone());
        self.string_ids.insert(ptr, id);
        Ok(id)
    }

    fn push_immutable(&mut self, ptr: *const (), node: Node) -> Result<u32, EncodeError> {
        let id = u32::try_from(self.nodes.len()).map_err(|_| EncodeError::TooManyValues)?;
        self.nodes.push(node);
        self.ids.insert(ptr, id);
        Ok(id)
    }

    /// The snapshot form of `v` (containers are filled in by [`Encoder::finish`]).
    pub(crate) fn value(&mut self, v: &Value) -> Result<SValue, EncodeError> {
        Ok(match v {
            Value::Null => SValue::Null,
            Value::Bool(b) => SValue::Bool(*b),
            Value::Int(i) => SValue::Int(*i),
            Value::BigInt(n) => SValue::BigInt(Box::new(n.to_signed_bytes_le())),
            Value::Float(f) => SValue::Float(*f),
            Value::Str(s) => SValue::Str(self.string(s.as_ptr(), v)?),
            Value::Binary(b) => SValue::Binary(Box::new(b.to_vec())),
            Value::Array(a) => SValue::Array(self.reserve(Rc::as_ptr(&a.0).cast(), Node::Array(0), v)?),
            Value::Dict(d) => SValue::Dict(self.reserve(Rc::as_ptr(&d.0).cast(), Node::Dict(0), v)?),
            Value::Pattern(p) => {
                let ptr: *const () = Rc::as_ptr(p).cast();
                if let Some(id) = self.ids.get(&ptr) {
                    return Ok(SValue::Pattern(*id));
                }
                let source = self.value(&p.source)?;
                let node = Node::Pattern {
                    kind: p.kind,
                    ignore_case: p.ignore_case,
                    source,
                };
                SValue::Pattern(self.push_immutable(ptr, node)?)
            }
            Value::Function(f) => {
                let ptr: *const () = Rc::as_ptr(f).cast();
                if let Some(id) = self.ids.get(&ptr) {
                    return Ok(SValue::Function(*id));
                }
                let node = match &**f {
                    Function::Builtin(name) => Node::Builtin(name.clone()),
                    Function::Method { receiver, name } => Node::Method {
                        receiver: self.value(receiver)?,
                        name: name.clone(),
                    },
                };
                SValue::Function(self.push_immutable(ptr, node)?)
            }
            Value::Datetime(z) => SValue::Datetime(Box::new(DatetimeState {
                nanos: z.timestamp().as_nanosecond(),
                zone: z.time_zone().iana_name().map(String::from),
                offset: z.offset().seconds(),
            })),
            Value::Date(d) => SValue::Date {
                year: d.year(),
                month: d.month(),
                day: d.day(),
            },
            Value::Time(t) => SValue::Time {
                hour: t.hour(),
                minute: t.minute(),
                second: t.second(),
                nanos: t.subsec_nanosecond(),
            },
            Value::Timedelta(td) => SValue::Timedelta(Box::new(**td)),
            Value::Object(o) => SValue::Object(Box::new((**o).clone())),
            Value::File(f) => SValue::File(Box::new((**f).clone())),
            Value::Channel(id) => SValue::Channel(*id),
            Value::SessionChannel(id) => SValue::SessionChannel(*id),
            Value::Process(id) => SValue::Process(*id),
        })
    }

    /// Fills every reserved container, first to last (so the item table is
    /// in node order), and returns the tables.
    pub(crate) fn finish(mut self) -> Result<Tables<'static>, EncodeError> {
        while let Some((id, v)) = self.queue.get(self.filled).cloned() {
            self.filled += 1;
            let node = match &v {
                Value::Array(a) => {
                    let items = a.0.try_borrow().map_err(|_| EncodeError::Busy)?;
                    self.items.reserve(items.len());
                    for item in items.iter() {
                        let item = self.value(item)?;
                        self.items.push(item);
                    }
                    Node::Array(u32::try_from(items.len()).map_err(|_| EncodeError::TooManyValues)?)
                }
                Value::Dict(d) => {
                    let map = d.0.try_borrow().map_err(|_| EncodeError::Busy)?;
                    self.items.reserve(2 * map.len());
                    for (k, item) in map.iter() {
                        let k = self.value(&k.0)?;
                        self.items.push(k);
                        let item = self.value(item)?;
                        self.items.push(item);
                    }
                    Node::Dict(u32::try_from(map.len()).map_err(|_| EncodeError::TooManyValues)?)
                }
                _ => continue,
            };
            if let Some(slot) = self.nodes.get_mut(id as usize) {
                *slot = node;
            }
        }
        Ok(Tables {
            strings: Strings::Held(self.strings),
            nodes: self.nodes,
            items: self.items,
        })
    }
}

/// The values of a node table, rebuilt with their sharing.
pub(crate) struct Graph {
    built: Vec<Value>,
    strings: Vec<Value>,
}

/// What went wrong rebuilding a value graph.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// A reference past the node table.
    #[error("value node {0} does not exist")]
    NoNode(u32),
    /// A reference past the string table.
    #[error("string {0} does not exist")]
    NoString(u32),
    /// The item table does not hold what the Arrays and Dictionaries do.
    #[error("the item table does not match its containers")]
    Items,
    /// A reference to a node of another kind.
    #[error("value node {0} is not of the kind referred to")]
    WrongKind(u32),
    /// A Pattern or Function refers to a later Pattern or Function.
    #[error("value node {0} refers forward")]
    ForwardRef(u32),
    /// A value that cannot be rebuilt (a Dictionary key that may not be
    /// one, a pattern that does not compile, a date out of range).
    #[error("value cannot be rebuilt: {0}")]
    Invalid(String),
}

impl Graph {
    /// Rebuilds the values of `tables`.
    pub(crate) fn build(tables: Tables<'_>) -> Result<Graph, GraphError> {
        let Tables { strings, nodes, items } = tables;
        // The item table must hold exactly what the containers say they hold.
        let mut total = 0usize;
        for n in &nodes {
            total = match n {
                Node::Array(len) => total.checked_add(*len as usize),
                Node::Dict(len) => total.checked_add(2 * *len as usize),
                _ => Some(total),
            }
            .ok_or(GraphError::Items)?;
        }
        if total != items.len() {
            return Err(GraphError::Items);
        }
        // Containers first, empty, so anything may refer to them.
        let mut g = Graph {
            strings: match strings {
                Strings::Held(values) => values,
                Strings::Read(texts) => texts.into_iter().map(Value::str).collect(),
            },
            built: nodes
                .iter()
                .map(|n| match n {
                    Node::Array(len) => Value::Array(Array::new(Vec::with_capacity(*len as usize))),
                    Node::Dict(_) => Value::Dict(Dict::new(DictMap::default())),
                    _ => Value::Null,
                })
                .collect(),
        };
        // Patterns and Functions in index order: they refer only backwards.
        for (i, n) in nodes.iter().enumerate() {
            let v = match n {
                Node::Pattern {
                    kind,
                    ignore_case,
                    source,
                } => {
                    let source = g.value_before(source, i)?;
                    Value::pattern(*kind, *ignore_case, source).map_err(|e| GraphError::Invalid(e.to_string()))?
                }
                Node::Builtin(name) => Value::Function(Rc::new(Function::Builtin(name.clone()))),
                Node::Method { receiver, name } => Value::Function(Rc::new(Function::Method {
                    receiver: g.value_before(receiver, i)?,
                    name: name.clone(),
                })),
                Node::Array(_) | Node::Dict(_) => continue,
            };
            if let Some(slot) = g.built.get_mut(i) {
                *slot = v;
            }
        }
        // Then the containers' contents, Arrays before Dictionaries (a key
        // may hash what an Array holds, through an exact pattern).
        let mut rest = items.as_slice();
        for (n, built) in nodes.iter().zip(&g.built) {
            match (n, built) {
                (Node::Array(len), Value::Array(a)) => {
                    let (mine, after) = rest.split_at_checked(*len as usize).ok_or(GraphError::Items)?;
                    rest = after;
                    let mut out = a.borrow_mut();
                    for item in mine {
                        out.push(g.value(item)?);
                    }
                }
                (Node::Dict(len), _) => {
                    rest = rest.get(2 * *len as usize..).ok_or(GraphError::Items)?;
                }
                _ => {}
            }
        }
        let mut rest = items.as_slice();
        for (n, built) in nodes.iter().zip(&g.built) {
            match (n, built) {
                (Node::Dict(len), Value::Dict(d)) => {
                    let (mine, after) = rest.split_at_checked(2 * *len as usize).ok_or(GraphError::Items)?;
                    rest = after;
                    // Built aside: hashing a key may look into any value.
                    let mut map = DictMap::with_capacity_and_hasher(*len as usize, Default::default());
                    for pair in mine.chunks_exact(2) {
                        if let [k, v] = pair {
                            let key = Key::new(g.value(k)?).map_err(|e| GraphError::Invalid(e.to_string()))?;
                            map.insert(key, g.value(v)?);
                        }
                    }
                    *d.borrow_mut() = map;
                }
                (Node::Array(len), _) => {
                    rest = rest.get(*len as usize..).ok_or(GraphError::Items)?;
                }
                _ => {}
            }
        }
        Ok(g)
    }

    fn node(&self, id: u32, want: fn(&Value) -> bool) -> Result<Value, GraphError> {
        match self.built.get(id as usize) {
            Some(v) if want(v) => Ok(v.clone()),
            Some(_) => Err(GraphError::WrongKind(id)),
            None => Err(GraphError::NoNode(id)),
        }
    }

    /// A value held by the Pattern or Function node `at`.
    fn value_before(&self, v: &SValue, at: usize) -> Result<Value, GraphError> {
        match v {
            SValue::Pattern(id) | SValue::Function(id) if *id as usize >= at => Err(GraphError::ForwardRef(*id)),
            _ => self.value(v),
        }
    }

    /// The runtime value of `v`.
    pub(crate) fn value(&self, v: &SValue) -> Result<Value, GraphError> {
        let invalid = |e: jiff::Error| GraphError::Invalid(e.to_string());
        Ok(match v {
            SValue::Null => Value::Null,
            SValue::Bool(b) => Value::Bool(*b),
            SValue::Int(i) => Value::Int(*i),
            SValue::BigInt(bytes) => Value::int_from_bigint(num_bigint::BigInt::from_signed_bytes_le(bytes)),
            SValue::Float(f) => Value::Float(*f),
            SValue::Str(id) => self
                .strings
                .get(*id as usize)
                .cloned()
                .ok_or(GraphError::NoString(*id))?,
            SValue::Binary(b) => Value::binary((**b).clone()),
            SValue::Array(id) => self.node(*id, |v| matches!(v, Value::Array(_)))?,
            SValue::Dict(id) => self.node(*id, |v| matches!(v, Value::Dict(_)))?,
            SValue::Pattern(id) => self.node(*id, |v| matches!(v, Value::Pattern(_)))?,
            SValue::Function(id) => self.node(*id, |v| matches!(v, Value::Function(_)))?,
            SValue::Datetime(dt) => {
                let DatetimeState { nanos, zone, offset } = &**dt;
                let ts = jiff::Timestamp::from_nanosecond(*nanos).map_err(invalid)?;
                let tz = match zone.as_deref().map(jiff::tz::TimeZone::get) {
                    Some(Ok(tz)) => tz,
                    // Unnamed, or unknown to this machine's database: the offset it had.
                    _ => jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(*offset).map_err(invalid)?),
                };
                Value::datetime(ts.to_zoned(tz))
            }
            SValue::Date { year, month, day } => {
                Value::Date(jiff::civil::Date::new(*year, *month, *day).map_err(invalid)?)
            }
            SValue::Time {
                hour,
                minute,
                second,
                nanos,
            } => Value::Time(jiff::civil::Time::new(*hour, *minute, *second, *nanos).map_err(invalid)?),
            SValue::Timedelta(td) => Value::timedelta(**td),
            SValue::Object(o) => Value::Object(Rc::new((**o).clone())),
            SValue::File(f) => Value::File(Rc::new((**f).clone())),
            SValue::Channel(id) => Value::Channel(*id),
            SValue::SessionChannel(id) => Value::SessionChannel(*id),
            SValue::Process(id) => Value::Process(*id),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes_only(nodes: Vec<Node>) -> Tables<'static> {
        with_items(nodes, Vec::new())
    }

    fn with_items(nodes: Vec<Node>, items: Vec<SValue>) -> Tables<'static> {
        Tables {
            strings: Strings::Read(Vec::new()),
            nodes,
            items,
        }
    }

    fn round_trip(values: &[Value]) -> Vec<Value> {
        let mut enc = Encoder::default();
        let svals: Vec<SValue> = values.iter().map(|v| enc.value(v).unwrap()).collect();
        let tables = enc.finish().unwrap();
        let bytes = postcard::to_allocvec(&(svals, tables)).unwrap();
        let (svals, tables): (Vec<SValue>, Tables) = postcard::from_bytes(&bytes).unwrap();
        let g = Graph::build(tables).unwrap();
        svals.iter().map(|s| g.value(s).unwrap()).collect()
    }

    #[test]
    fn sharing_and_cycles_survive() {
        let a = Value::array(vec![Value::Int(1)]);
        let d = Value::dict_from_pairs([(Value::str("a"), a.clone())]).unwrap();
        if let Value::Array(arr) = &a {
            arr.borrow_mut().push(a.clone());
            arr.borrow_mut().push(d.clone());
        }
        let back = round_trip(&[a.clone(), d.clone(), a]);
        let (Value::Array(x), Value::Dict(y), Value::Array(z)) = (&back[0], &back[1], &back[2]) else {
            panic!("kinds changed: {back:?}");
        };
        assert!(x.ptr_eq(z), "one Array stays one");
        let items = x.borrow();
        assert!(
            matches!(&items[1], Value::Array(inner) if inner.ptr_eq(x)),
            "the cycle survives"
        );
        assert!(matches!(&items[2], Value::Dict(inner) if inner.ptr_eq(y)));
        assert!(matches!(y.borrow().values().next(), Some(Value::Array(inner)) if inner.ptr_eq(x)));
    }

    #[test]
    fn values_and_their_results_stay_small() {
        assert_eq!(std::mem::size_of::<SValue>(), 16);
        assert!(std::mem::size_of::<Result<SValue, EncodeError>>() <= 24);
    }

    #[test]
    fn a_shared_string_is_written_once_and_stays_shared() {
        let shared = Value::str("shared text");
        let other = Value::str("shared text");
        let mut enc = Encoder::default();
        let svals: Vec<SValue> = [&shared, &other, &shared]
            .iter()
            .map(|v| enc.value(v).unwrap())
            .collect();
        assert_eq!(svals, vec![SValue::Str(0), SValue::Str(1), SValue::Str(0)]);
        let tables = enc.finish().unwrap();
        let bytes = postcard::to_allocvec(&(svals, tables)).unwrap();
        let (svals, tables): (Vec<SValue>, Tables) = postcard::from_bytes(&bytes).unwrap();
        assert!(matches!(&tables.strings, Strings::Read(t) if t == &["shared text", "shared text"]));
        let g = Graph::build(tables).unwrap();
        let back: Vec<Value> = svals.iter().map(|s| g.value(s).unwrap()).collect();
        let (Value::Str(a), Value::Str(b), Value::Str(c)) = (&back[0], &back[1], &back[2]) else {
            panic!("kinds changed: {back:?}");
        };
        assert!(crate::value::Str::ptr_eq(a, c), "one String stays one");
        assert!(!crate::value::Str::ptr_eq(a, b), "two equal Strings stay two");
        assert_eq!(b.as_str(), "shared text");
    }

    #[test]
    fn scalars_dates_and_patterns_round_trip() {
        let big = Value::int_from_bigint("-98765432109876543210987654321".parse().unwrap());
        let tokyo = jiff::tz::TimeZone::get("Asia/Tokyo").unwrap_or(jiff::tz::TimeZone::UTC);
        let zoned = jiff::Timestamp::from_second(1_700_000_000).unwrap().to_zoned(tokyo);
        let fixed = jiff::Timestamp::from_second(1_700_000_000)
            .unwrap()
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(-5)));
        let values = vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-3),
            big,
            Value::Float(2.5),
            Value::str("héllo"),
            Value::binary(vec![0, 255]),
            Value::datetime(zoned.clone()),
            Value::datetime(fixed.clone()),
            Value::Date(jiff::civil::date(2024, 2, 29)),
            Value::Time(jiff::civil::time(23, 59, 1, 5_000)),
            Value::timedelta(Timedelta {
                days: -1,
                seconds: 5,
                micros: 7,
            }),
            Value::pattern(PatternKind::Regex, true, Value::str("a(b+)")).unwrap(),
            Value::Channel(4),
            Value::SessionChannel(5),
            Value::Process(6),
            Value::Object(Rc::new(ObjectRef { abspath: "/a/b".into() })),
            Value::Function(Rc::new(Function::Method {
                receiver: Value::str("x"),
                name: "upper".into(),
            })),
        ];
        let back = round_trip(&values);
        for (a, b) in values.iter().zip(&back) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
        assert!(matches!(&back[3], Value::BigInt(_)));
        match (&back[7], &back[8]) {
            (Value::Datetime(a), Value::Datetime(b)) => {
                assert_eq!(**a, zoned);
                assert_eq!(**b, fixed);
            }
            other => panic!("{other:?}"),
        }
        match &back[12] {
            Value::Pattern(p) => {
                assert!(p.ignore_case);
                assert_eq!(p.source.as_str(), Some("a(b+)"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hostile_tables_are_errors() {
        let cyc = vec![Node::Method {
            receiver: SValue::Function(0),
            name: "x".into(),
        }];
        assert_eq!(Graph::build(nodes_only(cyc)).err(), Some(GraphError::ForwardRef(0)));
        let g = Graph::build(with_items(vec![Node::Array(1)], vec![SValue::Dict(0)]));
        assert_eq!(g.err(), Some(GraphError::WrongKind(0)));
        let g = Graph::build(with_items(vec![Node::Dict(1)], vec![SValue::Array(0), SValue::Null]));
        assert!(matches!(g.err(), Some(GraphError::WrongKind(0))));
        let g = Graph::build(with_items(vec![Node::Array(1)], vec![SValue::Array(9)]));
        assert_eq!(g.err(), Some(GraphError::NoNode(9)));
        let g = Graph::build(with_items(vec![Node::Array(1)], vec![SValue::Str(0)]));
        assert_eq!(g.err(), Some(GraphError::NoString(0)));
        let g = Graph::build(with_items(
            vec![Node::Array(0), Node::Dict(1)],
            vec![SValue::Array(0), SValue::Null],
        ));
        assert!(matches!(g.err(), Some(GraphError::Invalid(_))));
        // Containers claiming more or fewer items than the table holds.
        for (nodes, items) in [
            (vec![Node::Array(2)], vec![SValue::Null]),
            (vec![Node::Array(1)], vec![SValue::Null, SValue::Null]),
            (vec![Node::Dict(1)], vec![SValue::Null]),
            (vec![Node::Dict(u32::MAX), Node::Array(u32::MAX)], vec![SValue::Null]),
        ] {
            assert_eq!(Graph::build(with_items(nodes, items)).err(), Some(GraphError::Items));
        }
    }

    #[test]
    fn deep_nesting_does_not_recurse() {
        let mut v = Value::array(Vec::new());
        let first = v.clone();
        for _ in 0..100_000 {
            let next = Value::array(Vec::new());
            if let Value::Array(a) = &v {
                a.borrow_mut().push(next.clone());
            }
            v = next;
        }
        let mut enc = Encoder::default();
        let s = enc.value(&first).unwrap();
        let tables = enc.finish().unwrap();
        assert_eq!(tables.nodes.len(), 100_001);
        let g = Graph::build(tables).unwrap();
        let back = g.value(&s).unwrap();
        // Unlink iteratively: dropping a 100 000-deep chain would recurse.
        for root in [first, back] {
            let mut cur = root;
            loop {
                let next = match &cur {
                    Value::Array(a) => a.borrow_mut().pop(),
                    _ => None,
                };
                match next {
                    Some(n) => cur = n,
                    None => break,
                }
            }
        }
    }
}
