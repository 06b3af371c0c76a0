//! qibo_example_rust: a complete QiboAccel backend in Rust, standard library only.
//!
//! The Rust twin of examples/backends/c/qibo_example_c.c, and a template for third-party backends
//! written in Rust: copy this folder, rename, and replace the state-vector kernels with your own. It
//! implements exactly what every backend must (QIBO_OP_MATRIX and QIBO_OP_MEASURE on a dense
//! complex128 state vector) and declares nothing else native, so the host lowers every other kind to
//! MATRIX. See README.md; the contract is abi/include/qibo/backend.h.
//!
//! Conventions: qubit q of an n-qubit state is bit (n - 1 - q) of a basis index (qubit 0 is the most
//! significant); the first target of a matrix is the most significant bit of its row/column index.
//!
//! Safety at the boundary: the library exports one symbol, `qibo_backend_get_api`; every function
//! reached through its table runs its body inside `std::panic::catch_unwind` (see `guard`), so no
//! panic ever unwinds into the host. A panic becomes a QIBO_ERROR_INTERNAL error instead.

// `!(x > 0.0)` is deliberate throughout: it is true for NaN, which must be refused too.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::mem::{offset_of, size_of};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;

// ------------------------------------------------------------------ the C declarations
//
// Hand-written #[repr(C)] mirrors of the structs in abi/include/qibo/backend.h, ABI 1.0. Keep them
// in the header's field order; a later 1.x header only appends fields, so these stay valid (the
// struct_size checks below use the ABI 1.0 sizes and never touch bytes beyond them).

const ABI_MAJOR: u32 = 1; // QIBO_ABI_VERSION_MAJOR
const ABI_MINOR: u32 = 0; // QIBO_ABI_VERSION_MINOR

// qibo_error_code
const QIBO_OK: u32 = 0;
const ERR_INVALID_ARGUMENT: u32 = 1;
const ERR_UNSUPPORTED: u32 = 2;
const ERR_OUT_OF_MEMORY: u32 = 3;
const ERR_VERSION_MISMATCH: u32 = 4;
const ERR_INTERNAL: u32 = 6;

// qibo_precision
const PRECISION_COMPLEX128: u32 = 1;
const PRECISION_COMPLEX64: u32 = 2;

// qibo_state_kind
const STATE_VECTOR: u32 = 0;
const STATE_DENSITY_MATRIX: u32 = 1;

// qibo_op_kind (the ones this file needs)
const OP_INVALID: u32 = 0;
const OP_MATRIX: u32 = 1;
const OP_MEASURE: u32 = 3;
const OP_KIND_COUNT: u32 = 128;

const MAX_QUBITS: u32 = 28;

/// qibo_op: one 64-byte record (ABI 1.0), read with the circuit's op_size stride.
#[repr(C)]
#[derive(Clone, Copy)]
struct QiboOp {
    kind: u32,
    n_targets: u32,
    n_controls: u32,
    qubits_offset: u32,
    matrix_offset: i64,
    cbit: i32,
    flags: u32,
    params: [f64; 4],
}

/// qibo_circuit
#[repr(C)]
struct QiboCircuit {
    struct_size: usize,
    n_qubits: u32,
    op_size: u32,
    n_ops: u64,
    ops: *const c_void,
    qubits: *const u32,
    n_qubit_refs: u64,
    matrices: *const f64,
    n_matrix_values: u64,
}

/// qibo_backend_info
#[repr(C)]
struct QiboBackendInfo {
    struct_size: usize,
    name: *const c_char,
    version: *const c_char,
    description: *const c_char,
    device: *const c_char,
    max_qubits: u32,
    precisions: u32,
    state_kinds: u32,
    max_matrix_targets: u32,
    native_ops: [u64; 2],
}

/// qibo_backend_create_args
#[repr(C)]
struct BackendCreateArgs {
    struct_size: usize,
    options: *const c_char,
    backend: *mut Backend, // [out]
}

/// qibo_backend_get_info_args
#[repr(C)]
struct BackendGetInfoArgs {
    struct_size: usize,
    backend: *mut Backend,
    info: *mut QiboBackendInfo, // [out] caller allocates and sets info->struct_size
}

/// qibo_state_create_args
#[repr(C)]
struct StateCreateArgs {
    struct_size: usize,
    backend: *mut Backend,
    n_qubits: u32,
    precision: u32,
    kind: u32,
    reserved: u32,
    state: *mut State, // [out]
}

/// qibo_state_reset_args
#[repr(C)]
struct StateResetArgs {
    struct_size: usize,
    state: *mut State,
}

/// qibo_state_amplitudes_args
#[repr(C)]
struct StateAmplitudesArgs {
    struct_size: usize,
    state: *mut State,
    offset: u64,
    count: u64,
    data: *mut c_void,
}

/// qibo_state_apply_args
#[repr(C)]
struct StateApplyArgs {
    struct_size: usize,
    state: *mut State,
    circuit: *const QiboCircuit,
    randoms: *const f64,
    n_randoms: u64,
    cbits: *mut u8, // [out]
    n_cbits: u64,
}

/// qibo_state_probabilities_args
#[repr(C)]
struct StateProbabilitiesArgs {
    struct_size: usize,
    state: *mut State,
    qubits: *const u32,
    n_qubits: u32,
    reserved: u32,
    out: *mut f64, // [out] 2^n_qubits values
}

/// qibo_state_sample_args
#[repr(C)]
struct StateSampleArgs {
    struct_size: usize,
    state: *mut State,
    qubits: *const u32,
    n_qubits: u32,
    reserved: u32,
    n_shots: u64,
    randoms: *const f64,
    outcomes: *mut u64, // [out]
}

/// qibo_backend_api: the function table.
#[repr(C)]
pub struct QiboBackendApi {
    struct_size: usize,
    abi_major: u32,
    abi_minor: u32,
    error_code: extern "C" fn(*const QiboError) -> u32,
    error_message: extern "C" fn(*const QiboError) -> *const c_char,
    error_op_index: extern "C" fn(*const QiboError) -> i64,
    error_destroy: extern "C" fn(*mut QiboError),
    backend_create: extern "C" fn(*mut BackendCreateArgs) -> *mut QiboError,
    backend_destroy: extern "C" fn(*mut Backend),
    backend_get_info: extern "C" fn(*mut BackendGetInfoArgs) -> *mut QiboError,
    state_create: extern "C" fn(*mut StateCreateArgs) -> *mut QiboError,
    state_destroy: extern "C" fn(*mut State),
    state_reset: extern "C" fn(*mut StateResetArgs) -> *mut QiboError,
    state_set_amplitudes: extern "C" fn(*mut StateAmplitudesArgs) -> *mut QiboError,
    state_get_amplitudes: extern "C" fn(*mut StateAmplitudesArgs) -> *mut QiboError,
    state_apply: extern "C" fn(*mut StateApplyArgs) -> *mut QiboError,
    state_probabilities: extern "C" fn(*mut StateProbabilitiesArgs) -> *mut QiboError,
    state_sample: extern "C" fn(*mut StateSampleArgs) -> *mut QiboError,
}

/// qibo_api_request: the version handshake.
#[repr(C)]
pub struct QiboApiRequest {
    struct_size: usize,
    host_major: u32,
    host_minor: u32,
    backend_major: u32,         // [out]
    backend_minor: u32,         // [out]
    api: *const QiboBackendApi, // [out]
}

/// Bytes a struct must have to hold `field` (the C template's SIZE_UP_TO).
macro_rules! size_up_to {
    ($t:ty, $field:ident, $ft:ty) => {
        offset_of!($t, $field) + size_of::<$ft>()
    };
}

// ------------------------------------------------------------------ errors

/// The opaque qibo_error: owned by the caller once returned, freed by error_destroy.
pub struct QiboError {
    code: u32,
    op_index: i64,
    message: CString,
}

type Result<T> = std::result::Result<T, Box<QiboError>>;

fn error(code: u32, op_index: i64, message: String) -> Box<QiboError> {
    // An interior NUL cannot come from our messages; drop it rather than fail.
    let message = CString::new(message.replace('\0', "")).unwrap_or_default();
    Box::new(QiboError {
        code,
        op_index,
        message,
    })
}

fn invalid(message: String) -> Box<QiboError> {
    error(ERR_INVALID_ARGUMENT, -1, message)
}

fn into_raw(result: Result<()>) -> *mut QiboError {
    match result {
        Ok(()) => ptr::null_mut(),
        Err(e) => Box::into_raw(e),
    }
}

/// Runs an exported function's body, turning a panic into QIBO_ERROR_INTERNAL: no unwind crosses the ABI.
fn guard(fn_name: &str, body: impl FnOnce() -> Result<()>) -> *mut QiboError {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => into_raw(result),
        Err(_) => {
            // Building the error could itself panic (out of memory); never let that escape either.
            catch_unwind(|| {
                Box::into_raw(error(
                    ERR_INTERNAL,
                    -1,
                    format!("{fn_name}: internal error (panic)"),
                ))
            })
            .unwrap_or(ptr::null_mut())
        }
    }
}

/// Runs a function returning nothing (destroy), swallowing a panic.
fn guard_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

extern "C" fn error_code(e: *const QiboError) -> u32 {
    catch_unwind(|| {
        if e.is_null() {
            QIBO_OK
        } else {
            unsafe { (*e).code }
        }
    })
    .unwrap_or(ERR_INTERNAL)
}

extern "C" fn error_message(e: *const QiboError) -> *const c_char {
    const EMPTY: &CStr = c"";
    catch_unwind(|| {
        if e.is_null() {
            EMPTY.as_ptr()
        } else {
            unsafe { (*e).message.as_ptr() }
        }
    })
    .unwrap_or(EMPTY.as_ptr())
}

extern "C" fn error_op_index(e: *const QiboError) -> i64 {
    catch_unwind(|| {
        if e.is_null() {
            -1
        } else {
            unsafe { (*e).op_index }
        }
    })
    .unwrap_or(-1)
}

extern "C" fn error_destroy(e: *mut QiboError) {
    guard_void(|| {
        if !e.is_null() {
            drop(unsafe { Box::from_raw(e) });
        }
    })
}

/// Checks a caller's argument struct: non-NULL and at least `needed` bytes (its ABI 1.0 size). Reads
/// only the struct_size field, which every argument struct begins with.
fn check_args<T>(args: *const T, type_name: &str, needed: usize) -> Result<()> {
    if args.is_null() {
        return Err(invalid(format!("{type_name}: args is NULL")));
    }
    let size = unsafe { ptr::read(args as *const usize) };
    if size < needed {
        return Err(invalid(format!(
            "{type_name}: struct_size {size} is smaller than {needed} (ABI 1.0)"
        )));
    }
    Ok(())
}

// ------------------------------------------------------------------ backend

/// The opaque qibo_backend. This backend has no configuration; options are ignored.
pub struct Backend {
    _unused: u8,
}

extern "C" fn backend_create(args: *mut BackendCreateArgs) -> *mut QiboError {
    guard("backend_create", || {
        check_args(
            args,
            "qibo_backend_create_args",
            size_up_to!(BackendCreateArgs, backend, *mut Backend),
        )?;
        let backend = Box::into_raw(Box::new(Backend { _unused: 0 }));
        unsafe { ptr::addr_of_mut!((*args).backend).write(backend) };
        Ok(())
    })
}

extern "C" fn backend_destroy(backend: *mut Backend) {
    guard_void(|| {
        if !backend.is_null() {
            drop(unsafe { Box::from_raw(backend) });
        }
    })
}

extern "C" fn backend_get_info(args: *mut BackendGetInfoArgs) -> *mut QiboError {
    guard("backend_get_info", || {
        check_args(
            args,
            "qibo_backend_get_info_args",
            size_up_to!(BackendGetInfoArgs, info, *mut QiboBackendInfo),
        )?;
        let args = unsafe { &mut *args };
        if args.backend.is_null() {
            return Err(invalid("backend_get_info: backend is NULL".into()));
        }
        let info = args.info;
        if info.is_null() {
            return Err(invalid("backend_get_info: info is NULL".into()));
        }
        let needed = size_up_to!(QiboBackendInfo, native_ops, [u64; 2]);
        let size = unsafe { ptr::addr_of!((*info).struct_size).read() };
        if size < needed {
            return Err(invalid(format!(
                "backend_get_info: info->struct_size {size} is smaller than {needed} (ABI 1.0)"
            )));
        }
        // Write field by field: the caller's struct may be a later, larger one; bytes past ours stay untouched.
        unsafe {
            ptr::addr_of_mut!((*info).name).write(c"example-rust".as_ptr());
            ptr::addr_of_mut!((*info).version).write(c"0.1.0".as_ptr());
            ptr::addr_of_mut!((*info).description)
                .write(c"Dense state vector in Rust, standard library only (template for third-party backends)".as_ptr());
            ptr::addr_of_mut!((*info).device).write(c"1 thread, portable Rust".as_ptr());
            ptr::addr_of_mut!((*info).max_qubits).write(MAX_QUBITS);
            ptr::addr_of_mut!((*info).precisions).write(PRECISION_COMPLEX128);
            ptr::addr_of_mut!((*info).state_kinds).write(1 << STATE_VECTOR);
            ptr::addr_of_mut!((*info).max_matrix_targets).write(0); // no limit
            ptr::addr_of_mut!((*info).native_ops)
                .write([(1u64 << OP_MATRIX) | (1u64 << OP_MEASURE), 0]);
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ states

/// The opaque qibo_state: a dense complex128 state vector.
pub struct State {
    n_qubits: u32,
    dim: u64,      // 2^n_qubits
    amp: Vec<f64>, // 2 * dim values: interleaved (re, im), the ABI's layout
}

impl State {
    fn set_zero_state(&mut self) {
        self.amp.fill(0.0);
        self.amp[0] = 1.0;
    }

    /// The mask of qubit q in a basis index (qubit 0 is the most significant bit).
    fn bit_of(&self, qubit: u32) -> u64 {
        1u64 << (self.n_qubits - 1 - qubit)
    }

    fn prob(&self, i: u64) -> f64 {
        let (re, im) = (self.amp[2 * i as usize], self.amp[2 * i as usize + 1]);
        re * re + im * im
    }
}

/// Borrows a state handle, refusing NULL.
fn state_ref<'a>(s: *mut State, fn_name: &str) -> Result<&'a mut State> {
    if s.is_null() {
        return Err(invalid(format!("{fn_name}: state is NULL")));
    }
    Ok(unsafe { &mut *s })
}

extern "C" fn state_create(args: *mut StateCreateArgs) -> *mut QiboError {
    guard("state_create", || {
        check_args(
            args,
            "qibo_state_create_args",
            size_up_to!(StateCreateArgs, state, *mut State),
        )?;
        let args = unsafe { &mut *args };
        if args.backend.is_null() {
            return Err(invalid("state_create: backend is NULL".into()));
        }
        if args.kind == STATE_DENSITY_MATRIX {
            return Err(error(
                ERR_UNSUPPORTED,
                -1,
                "state_create: density matrices are not supported".into(),
            ));
        }
        if args.kind != STATE_VECTOR {
            return Err(invalid(format!(
                "state_create: unknown state kind {}",
                args.kind
            )));
        }
        if args.precision == PRECISION_COMPLEX64 {
            return Err(error(
                ERR_UNSUPPORTED,
                -1,
                "state_create: complex64 is not supported".into(),
            ));
        }
        if args.precision != PRECISION_COMPLEX128 {
            return Err(invalid(format!(
                "state_create: unknown precision {}",
                args.precision
            )));
        }
        if args.reserved != 0 {
            return Err(invalid("state_create: reserved must be 0".into()));
        }
        if args.n_qubits < 1 {
            return Err(invalid(
                "state_create: n_qubits is 0; a state has at least 1 qubit".into(),
            ));
        }
        if args.n_qubits > MAX_QUBITS {
            return Err(error(
                ERR_UNSUPPORTED,
                -1,
                format!(
                    "state_create: {} qubits is too many (max_qubits is {MAX_QUBITS})",
                    args.n_qubits
                ),
            ));
        }
        let dim = 1u64 << args.n_qubits;
        let mut amp: Vec<f64> = Vec::new();
        if amp.try_reserve_exact(2 * dim as usize).is_err() {
            return Err(error(
                ERR_OUT_OF_MEMORY,
                -1,
                format!("state_create: cannot allocate {} qubits", args.n_qubits),
            ));
        }
        amp.resize(2 * dim as usize, 0.0);
        let mut state = Box::new(State {
            n_qubits: args.n_qubits,
            dim,
            amp,
        });
        state.set_zero_state();
        args.state = Box::into_raw(state);
        Ok(())
    })
}

extern "C" fn state_destroy(state: *mut State) {
    guard_void(|| {
        if !state.is_null() {
            drop(unsafe { Box::from_raw(state) });
        }
    })
}

extern "C" fn state_reset(args: *mut StateResetArgs) -> *mut QiboError {
    guard("state_reset", || {
        check_args(
            args,
            "qibo_state_reset_args",
            size_up_to!(StateResetArgs, state, *mut State),
        )?;
        state_ref(unsafe { (*args).state }, "state_reset")?.set_zero_state();
        Ok(())
    })
}

/// Validates an amplitude range; returns the state and the range in f64 units.
fn check_amplitudes<'a>(
    args: *mut StateAmplitudesArgs,
    fn_name: &str,
) -> Result<(&'a mut State, usize, usize, *mut c_void)> {
    check_args(
        args,
        "qibo_state_amplitudes_args",
        size_up_to!(StateAmplitudesArgs, data, *mut c_void),
    )?;
    let args = unsafe { &*args };
    let state = state_ref(args.state, fn_name)?;
    if args.offset > state.dim || args.count > state.dim - args.offset {
        return Err(invalid(format!(
            "{fn_name}: range [{0}, {0} + {1}) exceeds the {2} amplitudes",
            args.offset, args.count, state.dim
        )));
    }
    if args.count > 0 && args.data.is_null() {
        return Err(invalid(format!("{fn_name}: data is NULL")));
    }
    Ok((
        state,
        2 * args.offset as usize,
        2 * args.count as usize,
        args.data,
    ))
}

extern "C" fn state_set_amplitudes(args: *mut StateAmplitudesArgs) -> *mut QiboError {
    guard("state_set_amplitudes", || {
        let (state, start, len, data) = check_amplitudes(args, "state_set_amplitudes")?;
        if len > 0 {
            // Byte copies: the caller's buffer need not be 8-byte aligned.
            unsafe {
                ptr::copy_nonoverlapping(
                    data as *const u8,
                    state.amp[start..start + len].as_mut_ptr() as *mut u8,
                    len * size_of::<f64>(),
                )
            };
        }
        Ok(())
    })
}

extern "C" fn state_get_amplitudes(args: *mut StateAmplitudesArgs) -> *mut QiboError {
    guard("state_get_amplitudes", || {
        let (state, start, len, data) = check_amplitudes(args, "state_get_amplitudes")?;
        if len > 0 {
            unsafe {
                ptr::copy_nonoverlapping(
                    state.amp[start..start + len].as_ptr() as *const u8,
                    data as *mut u8,
                    len * size_of::<f64>(),
                )
            };
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ kernels

/// Applies a 2^k x 2^k row-major matrix `m` (interleaved re, im) to `targets` where all `controls`
/// are 1. The first target is the most significant bit of the matrix index.
fn apply_matrix(s: &mut State, targets: &[u32], controls: &[u32], m: &[f64]) -> Result<()> {
    let k = targets.len() as u32;
    let dim_k = 1usize << k;
    let target_mask: u64 = targets.iter().map(|&q| s.bit_of(q)).fold(0, |a, b| a | b);
    let control_mask: u64 = controls.iter().map(|&q| s.bit_of(q)).fold(0, |a, b| a | b);
    let mut offsets: Vec<u64> = Vec::new();
    let mut input: Vec<(f64, f64)> = Vec::new();
    let mut output: Vec<(f64, f64)> = Vec::new();
    if offsets.try_reserve_exact(dim_k).is_err()
        || input.try_reserve_exact(dim_k).is_err()
        || output.try_reserve_exact(dim_k).is_err()
    {
        return Err(error(ERR_OUT_OF_MEMORY, -1, "out of memory".into()));
    }
    // offsets[j]: the basis-index bits of target state j (bit k - 1 - q of j selects target q).
    for j in 0..dim_k {
        let mut off = 0u64;
        for (q, &t) in targets.iter().enumerate() {
            if j & (1usize << (k as usize - 1 - q)) != 0 {
                off |= s.bit_of(t);
            }
        }
        offsets.push(off);
    }
    input.resize(dim_k, (0.0, 0.0));
    output.resize(dim_k, (0.0, 0.0));
    for i in 0..s.dim {
        if i & target_mask != 0 || i & control_mask != control_mask {
            continue;
        }
        for j in 0..dim_k {
            let at = 2 * (i | offsets[j]) as usize;
            input[j] = (s.amp[at], s.amp[at + 1]);
        }
        for (r, out) in output.iter_mut().enumerate() {
            let (mut re, mut im) = (0.0, 0.0);
            for (col, &(xr, xi)) in input.iter().enumerate() {
                let v = 2 * (r * dim_k + col);
                let (mr, mi) = (m[v], m[v + 1]);
                re += mr * xr - mi * xi;
                im += mr * xi + mi * xr;
            }
            *out = (re, im);
        }
        for j in 0..dim_k {
            let at = 2 * (i | offsets[j]) as usize;
            s.amp[at] = output[j].0;
            s.amp[at + 1] = output[j].1;
        }
    }
    Ok(())
}

/// MEASURE: outcome 1 iff r >= p0 (p0 of the normalised state); collapse and renormalise.
fn measure(s: &mut State, qubit: u32, r: f64, op: u64) -> Result<u8> {
    let bit = s.bit_of(qubit);
    let (mut p0, mut p1) = (0.0f64, 0.0f64);
    for i in 0..s.dim {
        if i & bit != 0 {
            p1 += s.prob(i);
        } else {
            p0 += s.prob(i);
        }
    }
    if !(p0 + p1 > 0.0) {
        return Err(error(
            ERR_INVALID_ARGUMENT,
            op as i64,
            format!("op {op} (MEASURE): the state has zero norm"),
        ));
    }
    let outcome: u8 = if r >= p0 / (p0 + p1) { 1 } else { 0 };
    let kept = if outcome == 1 { p1 } else { p0 };
    if !(kept > 0.0) {
        return Err(error(
            ERR_INTERNAL,
            op as i64,
            format!("op {op} (MEASURE): outcome {outcome} has zero probability"),
        ));
    }
    let scale = 1.0 / kept.sqrt();
    for i in 0..s.dim {
        let at = 2 * i as usize;
        if ((i & bit) != 0) == (outcome == 1) {
            s.amp[at] *= scale;
            s.amp[at + 1] *= scale;
        } else {
            s.amp[at] = 0.0;
            s.amp[at + 1] = 0.0;
        }
    }
    Ok(outcome)
}

// ------------------------------------------------------------------ apply

fn kind_name(kind: u32) -> &'static str {
    const NAMES: [&str; 33] = [
        "INVALID",
        "MATRIX",
        "DIAGONAL",
        "MEASURE",
        "",
        "",
        "",
        "",
        "I",
        "H",
        "X",
        "Y",
        "Z",
        "S",
        "SDG",
        "T",
        "TDG",
        "SX",
        "SXDG",
        "RX",
        "RY",
        "RZ",
        "U1",
        "U2",
        "U3",
        "SWAP",
        "ISWAP",
        "FSWAP",
        "FSIM",
        "GENERALIZED_FSIM",
        "RXX",
        "RYY",
        "RZZ",
    ];
    match NAMES.get(kind as usize) {
        Some(name) if !name.is_empty() => name,
        _ => "unknown",
    }
}

/// Validates record `at` against the circuit, the state and the apply arguments; returns its qubits
/// (targets then controls).
fn check_op<'a>(
    op: &QiboOp,
    at: u64,
    c: &'a QiboCircuit,
    a: &StateApplyArgs,
    randoms_used: u64,
) -> Result<&'a [u32]> {
    let name = kind_name(op.kind);
    let fail =
        |code: u32, what: String| error(code, at as i64, format!("op {at} ({name}): {what}"));
    let fail_invalid = |what: String| fail(ERR_INVALID_ARGUMENT, what);

    if op.kind == OP_INVALID || op.kind >= OP_KIND_COUNT {
        return Err(fail_invalid(format!("invalid kind {}", op.kind)));
    }
    if op.kind != OP_MATRIX && op.kind != OP_MEASURE {
        // the host lowers these to MATRIX
        return Err(fail(
            ERR_UNSUPPORTED,
            format!("kind {} is not native to example-rust", op.kind),
        ));
    }
    if op.flags != 0 {
        return Err(fail_invalid(format!("unknown flags 0x{:x}", op.flags)));
    }
    if op.n_targets < 1 || (op.kind == OP_MEASURE && (op.n_targets != 1 || op.n_controls != 0)) {
        return Err(fail_invalid(format!(
            "{} targets and {} controls are not allowed",
            op.n_targets, op.n_controls
        )));
    }
    let n_refs = op.n_targets as u64 + op.n_controls as u64;
    let off = op.qubits_offset as u64;
    if n_refs > c.n_qubits as u64 || off > c.n_qubit_refs || n_refs > c.n_qubit_refs - off {
        return Err(fail_invalid(format!(
            "qubits [{off}, {off} + {n_refs}) exceed the circuit's {} qubit refs or {} qubits",
            c.n_qubit_refs, c.n_qubits
        )));
    }
    let q: &'a [u32] =
        unsafe { std::slice::from_raw_parts(c.qubits.add(off as usize), n_refs as usize) };
    for (j, &qj) in q.iter().enumerate() {
        if qj >= c.n_qubits {
            return Err(fail_invalid(format!(
                "qubit {qj} is out of range for {} qubits",
                c.n_qubits
            )));
        }
        if q[..j].contains(&qj) {
            return Err(fail_invalid(format!("qubit {qj} is listed twice")));
        }
    }
    if op.kind == OP_MATRIX {
        let values = 1u64 << (2 * op.n_targets); // n_targets <= n_qubits <= 28
        if op.matrix_offset < 0
            || op.matrix_offset as u64 > c.n_matrix_values
            || values > c.n_matrix_values - op.matrix_offset as u64
        {
            return Err(fail_invalid(format!(
                "{values} matrix values at offset {} exceed the circuit's {}",
                op.matrix_offset, c.n_matrix_values
            )));
        }
    } else {
        if randoms_used >= a.n_randoms {
            return Err(fail_invalid(format!(
                "no random number left ({} given)",
                a.n_randoms
            )));
        }
        let r = unsafe { a.randoms.add(randoms_used as usize).read_unaligned() };
        if !(0.0..1.0).contains(&r) {
            // false for NaN too
            return Err(fail_invalid(format!("random number {r} is not in [0, 1)")));
        }
        if op.cbit < -1 || (op.cbit >= 0 && (a.cbits.is_null() || op.cbit as u64 >= a.n_cbits)) {
            let n_cbits = if a.cbits.is_null() { 0 } else { a.n_cbits };
            return Err(fail_invalid(format!(
                "cbit {} is out of range for {n_cbits} cbits",
                op.cbit
            )));
        }
    }
    Ok(q)
}

extern "C" fn state_apply(args: *mut StateApplyArgs) -> *mut QiboError {
    guard("state_apply", || {
        check_args(
            args,
            "qibo_state_apply_args",
            size_up_to!(StateApplyArgs, n_cbits, u64),
        )?;
        let a = unsafe { &*args };
        let s = state_ref(a.state, "state_apply")?;
        if a.circuit.is_null() {
            return Err(invalid("state_apply: circuit is NULL".into()));
        }
        let needed = size_up_to!(QiboCircuit, n_matrix_values, u64);
        let circuit_size = unsafe { ptr::addr_of!((*a.circuit).struct_size).read() };
        if circuit_size < needed {
            return Err(invalid(format!(
                "state_apply: circuit->struct_size {circuit_size} is smaller than {needed} (ABI 1.0)"
            )));
        }
        let c = unsafe { &*a.circuit };
        if c.n_qubits != s.n_qubits {
            return Err(invalid(format!(
                "state_apply: the circuit has {} qubits but the state has {}",
                c.n_qubits, s.n_qubits
            )));
        }
        if c.op_size < 64 || c.op_size % 8 != 0 {
            return Err(invalid(format!(
                "state_apply: op_size {} must be >= 64 and a multiple of 8",
                c.op_size
            )));
        }
        if (c.n_ops > 0 && c.ops.is_null())
            || (c.n_qubit_refs > 0 && c.qubits.is_null())
            || (c.n_matrix_values > 0 && c.matrices.is_null())
            || (a.n_randoms > 0 && a.randoms.is_null())
        {
            return Err(invalid(
                "state_apply: a non-empty array (ops, qubits, matrices or randoms) is NULL".into(),
            ));
        }

        let mut randoms_used = 0u64;
        for i in 0..c.n_ops {
            // Read the 64 bytes ABI 1.0 defines (op_size >= 64); later versions may append fields.
            let record = unsafe { (c.ops as *const u8).add((i * c.op_size as u64) as usize) };
            let op = unsafe { ptr::read_unaligned(record as *const QiboOp) };
            let q = check_op(&op, i, c, a, randoms_used)?;
            if op.kind == OP_MEASURE {
                let r = unsafe { a.randoms.add(randoms_used as usize).read_unaligned() };
                randoms_used += 1;
                let outcome = measure(s, q[0], r, i)?;
                if op.cbit >= 0 {
                    unsafe { a.cbits.add(op.cbit as usize).write(outcome) };
                }
            } else {
                let values = 2usize << (2 * op.n_targets); // 2 doubles per complex value
                let m = unsafe {
                    std::slice::from_raw_parts(
                        c.matrices.add(2 * op.matrix_offset as usize),
                        values,
                    )
                };
                let (targets, controls) = q.split_at(op.n_targets as usize);
                apply_matrix(s, targets, controls, m).map_err(|_| {
                    error(
                        ERR_OUT_OF_MEMORY,
                        i as i64,
                        format!("op {i} (MATRIX): out of memory"),
                    )
                })?;
            }
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ probabilities, sampling

/// Validates a qubit list for probabilities/sample.
fn check_qubit_list<'a>(s: &State, qubits: *const u32, n: u32, fn_name: &str) -> Result<&'a [u32]> {
    if n > s.n_qubits {
        return Err(invalid(format!(
            "{fn_name}: {n} qubits listed but the state has {}",
            s.n_qubits
        )));
    }
    if n == 0 {
        return Ok(&[]);
    }
    if qubits.is_null() {
        return Err(invalid(format!("{fn_name}: qubits is NULL")));
    }
    let q: &'a [u32] = unsafe { std::slice::from_raw_parts(qubits, n as usize) };
    for (j, &qj) in q.iter().enumerate() {
        if qj >= s.n_qubits {
            return Err(invalid(format!(
                "{fn_name}: qubit {qj} is out of range for {} qubits",
                s.n_qubits
            )));
        }
        if q[..j].contains(&qj) {
            return Err(invalid(format!("{fn_name}: qubit {qj} is listed twice")));
        }
    }
    Ok(q)
}

/// out[m] = sum of |amp[i]|^2 over i whose listed qubits read m (first listed = most significant).
fn marginal(s: &State, qubits: &[u32]) -> Result<Vec<f64>> {
    let size = 1usize << qubits.len();
    let mut out: Vec<f64> = Vec::new();
    if out.try_reserve_exact(size).is_err() {
        return Err(error(ERR_OUT_OF_MEMORY, -1, "out of memory".into()));
    }
    out.resize(size, 0.0);
    let masks: Vec<u64> = qubits.iter().map(|&q| s.bit_of(q)).collect();
    for i in 0..s.dim {
        let m = masks
            .iter()
            .fold(0usize, |m, &bit| (m << 1) | usize::from(i & bit != 0));
        out[m] += s.prob(i);
    }
    Ok(out)
}

extern "C" fn state_probabilities(args: *mut StateProbabilitiesArgs) -> *mut QiboError {
    guard("state_probabilities", || {
        check_args(
            args,
            "qibo_state_probabilities_args",
            size_up_to!(StateProbabilitiesArgs, out, *mut f64),
        )?;
        let a = unsafe { &*args };
        let s = state_ref(a.state, "state_probabilities")?;
        let qubits = check_qubit_list(s, a.qubits, a.n_qubits, "state_probabilities")?;
        if a.reserved != 0 {
            return Err(invalid("state_probabilities: reserved must be 0".into()));
        }
        if a.out.is_null() {
            return Err(invalid("state_probabilities: out is NULL".into()));
        }
        let p = marginal(s, qubits)?;
        for (i, &v) in p.iter().enumerate() {
            unsafe { a.out.add(i).write_unaligned(v) };
        }
        Ok(())
    })
}

extern "C" fn state_sample(args: *mut StateSampleArgs) -> *mut QiboError {
    guard("state_sample", || {
        check_args(
            args,
            "qibo_state_sample_args",
            size_up_to!(StateSampleArgs, outcomes, *mut u64),
        )?;
        let a = unsafe { &*args };
        let s = state_ref(a.state, "state_sample")?;
        let qubits = check_qubit_list(s, a.qubits, a.n_qubits, "state_sample")?;
        if a.reserved != 0 {
            return Err(invalid("state_sample: reserved must be 0".into()));
        }
        if a.n_shots == 0 {
            return Ok(());
        }
        if a.randoms.is_null() || a.outcomes.is_null() {
            return Err(invalid("state_sample: randoms or outcomes is NULL".into()));
        }
        let random = |shot: u64| unsafe { a.randoms.add(shot as usize).read_unaligned() };
        for shot in 0..a.n_shots {
            let r = random(shot);
            if !(0.0..1.0).contains(&r) {
                // false for NaN too
                return Err(invalid(format!(
                    "state_sample: randoms[{shot}] = {r} is not in [0, 1)"
                )));
            }
        }

        let p = marginal(s, qubits)?;
        // Cumulative sums in increasing i, in double.
        let mut cum = p.clone();
        for i in 1..cum.len() {
            cum[i] += cum[i - 1];
        }
        let total = cum[cum.len() - 1];
        if !(total > 0.0) {
            return Err(invalid("state_sample: the state has zero norm".into()));
        }
        // When rounding leaves no i with r * sum(p) < cum[i] (r just below 1): the largest i with p[i] > 0.
        let fallback = p.iter().rposition(|&v| v > 0.0).unwrap_or(p.len() - 1) as u64;
        for shot in 0..a.n_shots {
            let x = random(shot) * total;
            // smallest i with x < cum[i]; cum is non-decreasing, so a binary search finds it.
            let i = cum.partition_point(|&c| !(x < c));
            let outcome = if i < cum.len() { i as u64 } else { fallback };
            unsafe { a.outcomes.add(shot as usize).write_unaligned(outcome) };
        }
        Ok(())
    })
}

// ------------------------------------------------------------------ the table and the one export

static API_TABLE: QiboBackendApi = QiboBackendApi {
    struct_size: size_of::<QiboBackendApi>(),
    abi_major: ABI_MAJOR,
    abi_minor: ABI_MINOR,
    error_code,
    error_message,
    error_op_index,
    error_destroy,
    backend_create,
    backend_destroy,
    backend_get_info,
    state_create,
    state_destroy,
    state_reset,
    state_set_amplitudes,
    state_get_amplitudes,
    state_apply,
    state_probabilities,
    state_sample,
    // slots a later minor version appends are absent: struct_size tells the host they are not supported
};

/// The one exported symbol: the version handshake (see qibo_backend_get_api in backend.h).
///
/// # Safety
/// `request` is NULL or points to at least `request->struct_size` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn qibo_backend_get_api(request: *mut QiboApiRequest) -> u32 {
    catch_unwind(|| {
        if request.is_null() {
            return ERR_INVALID_ARGUMENT;
        }
        let size = unsafe { ptr::addr_of!((*request).struct_size).read() };
        if size < size_up_to!(QiboApiRequest, host_minor, u32) {
            return ERR_INVALID_ARGUMENT;
        }
        if size >= size_up_to!(QiboApiRequest, backend_minor, u32) {
            unsafe {
                ptr::addr_of_mut!((*request).backend_major).write(ABI_MAJOR);
                ptr::addr_of_mut!((*request).backend_minor).write(ABI_MINOR);
            }
        }
        if size < size_up_to!(QiboApiRequest, api, *const QiboBackendApi) {
            return ERR_INVALID_ARGUMENT;
        }
        let host_major = unsafe { ptr::addr_of!((*request).host_major).read() };
        if host_major != ABI_MAJOR {
            unsafe { ptr::addr_of_mut!((*request).api).write(ptr::null()) };
            return ERR_VERSION_MISMATCH;
        }
        unsafe { ptr::addr_of_mut!((*request).api).write(&API_TABLE) };
        QIBO_OK
    })
    .unwrap_or(ERR_INTERNAL)
}
