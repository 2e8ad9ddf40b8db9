//! Integers: the i64 fast path, big integers beyond it, conversion to Float
//! and exact comparison with Floats (`language.md` 3.2, 5.2).

use super::{Value, ValueError, MAX_INT_BITS};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

/// An Integer operand borrowed from a value.
#[derive(Clone, Copy, Debug)]
pub(crate) enum IntRef<'a> {
    /// Fits in i64.
    Small(i64),
    /// Beyond i64.
    Big(&'a BigInt),
}

impl IntRef<'_> {
    /// The Integer of `v`, if it is one.
    pub(crate) fn of(v: &Value) -> Option<IntRef<'_>> {
        match v {
            Value::Int(i) => Some(IntRef::Small(*i)),
            Value::BigInt(b) => Some(IntRef::Big(b)),
            _ => None,
        }
    }

    /// As an owned big integer.
    pub(crate) fn to_big(self) -> BigInt {
        match self {
            IntRef::Small(i) => BigInt::from(i),
            IntRef::Big(b) => b.clone(),
        }
    }

    /// Its size in bits (magnitude).
    fn bits(self) -> u64 {
        match self {
            IntRef::Small(i) => 64 - i.unsigned_abs().leading_zeros() as u64,
            IntRef::Big(b) => b.bits(),
        }
    }

    /// Converted to Float; too large is an error.
    pub(crate) fn to_f64(self) -> Result<f64, ValueError> {
        match self {
            IntRef::Small(i) => Ok(i as f64),
            IntRef::Big(b) => big_to_f64(b),
        }
    }

    /// Whether it is zero.
    pub(crate) fn is_zero(self) -> bool {
        match self {
            IntRef::Small(i) => i == 0,
            IntRef::Big(b) => b.is_zero(),
        }
    }
}

/// A big integer converted to Float; too large is an error.
pub(crate) fn big_to_f64(b: &BigInt) -> Result<f64, ValueError> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(ValueError::IntTooLarge),
    }
}

/// The Integer value of `n`: inline when it fits in i64.
pub(crate) fn normalize(n: BigInt) -> Value {
    match n.to_i64() {
        Some(i) => Value::Int(i),
        None => Value::BigInt(Rc::new(n)),
    }
}

/// `n` as a value, refusing integers beyond [`MAX_INT_BITS`].
fn checked(n: BigInt) -> Result<Value, ValueError> {
    if n.bits() > MAX_INT_BITS {
        return Err(ValueError::size_limit(format!(
            "integer larger than {MAX_INT_BITS} bits"
        )));
    }
    Ok(normalize(n))
}

/// `a + b`.
pub(crate) fn add(a: IntRef<'_>, b: IntRef<'_>) -> Result<Value, ValueError> {
    if let (IntRef::Small(x), IntRef::Small(y)) = (a, b) {
        if let Some(r) = x.checked_add(y) {
            return Ok(Value::Int(r));
        }
    }
    checked(a.to_big() + b.to_big())
}

/// `a - b`.
pub(crate) fn sub(a: IntRef<'_>, b: IntRef<'_>) -> Result<Value, ValueError> {
    if let (IntRef::Small(x), IntRef::Small(y)) = (a, b) {
        if let Some(r) = x.checked_sub(y) {
            return Ok(Value::Int(r));
        }
    }
    checked(a.to_big() - b.to_big())
}

/// `a * b`, refusing results beyond [`MAX_INT_BITS`] before computing them.
pub(crate) fn mul(a: IntRef<'_>, b: IntRef<'_>) -> Result<Value, ValueError> {
    if let (IntRef::Small(x), IntRef::Small(y)) = (a, b) {
        if let Some(r) = x.checked_mul(y) {
            return Ok(Value::Int(r));
        }
    }
    if a.bits().saturating_add(b.bits()) > MAX_INT_BITS + 1 {
        return Err(ValueError::size_limit(format!(
            "integer larger than {MAX_INT_BITS} bits"
        )));
    }
    checked(a.to_big() * b.to_big())
}

/// `a % b` with the sign of the divisor (Python).
pub(crate) fn rem(a: IntRef<'_>, b: IntRef<'_>) -> Result<Value, ValueError> {
    if b.is_zero() {
        return Err(ValueError::ModuloByZero);
    }
    if let (IntRef::Small(x), IntRef::Small(y)) = (a, b) {
        // i64::MIN % -1 overflows in Rust; it is 0.
        if y == -1 {
            return Ok(Value::Int(0));
        }
        return Ok(Value::Int(x.mod_floor(&y)));
    }
    Ok(normalize(a.to_big().mod_floor(&b.to_big())))
}

/// `-a`.
pub(crate) fn neg(a: IntRef<'_>) -> Value {
    match a {
        IntRef::Small(x) => match x.checked_neg() {
            Some(r) => Value::Int(r),
            None => normalize(-BigInt::from(x)),
        },
        IntRef::Big(b) => normalize(-b.clone()),
    }
}

/// Exact comparison of an Integer with a Float (None when `f` is NaN).
pub(crate) fn cmp_int_float(a: IntRef<'_>, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 { Ordering::Less } else { Ordering::Greater });
    }
    let t = f.trunc();
    let frac = f - t;
    // |t| < 2^1024, so it converts exactly.
    let ord = match a {
        IntRef::Small(x) if t.abs() < 9.0e18 => (x as i128).cmp(&(t as i128)),
        _ => a.to_big().cmp(&BigInt::from_f64_exact(t)),
    };
    Some(ord.then_with(|| {
        if frac > 0.0 {
            Ordering::Less
        } else if frac < 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    }))
}

/// Comparison of two Integers.
pub(crate) fn cmp_int(a: IntRef<'_>, b: IntRef<'_>) -> Ordering {
    match (a, b) {
        (IntRef::Small(x), IntRef::Small(y)) => x.cmp(&y),
        _ => a.to_big().cmp(&b.to_big()),
    }
}

/// Conversion of a finite, integral f64 to an exact big integer.
trait FromF64Exact {
    fn from_f64_exact(f: f64) -> Self;
}

impl FromF64Exact for BigInt {
    fn from_f64_exact(f: f64) -> Self {
        num_traits::FromPrimitive::from_f64(f).unwrap_or_default()
    }
}
