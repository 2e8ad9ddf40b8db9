//! The built-in jobs the host performs (`stdlib.md` 1–2): `urlopen`,
//! `mailto`, `download`, `upload`, `put`, `get` and `reboot`, as the VM's
//! [`JobHooks`].
//!
//! Each job has two halves that run on the VM's thread, around the host's
//! work:
//!
//! - `prepare` checks the arguments and encodes a plain request (postcard)
//!   for the host ([`Prepared::Host`]), or does the whole job at once when
//!   it needs nothing but the object tree and the local disk (`download`,
//!   `upload`: [`Prepared::Done`]);
//! - `finish` decodes the host's result into `$RESULT`.
//!
//! The payload types ([`TransferRequest`], [`RebootRequest`],
//! [`UrlRequest`](crate::net::UrlRequest), [`PendingMail`](crate::net::PendingMail))
//! and result types are public so that a host other than
//! [`DefaultHost`](crate::host::DefaultHost) can perform them.

mod files;
mod mail;
mod payload;
mod remote;
mod url;

pub use payload::{decode, encode, PayloadError};
pub use remote::{RebootRequest, TransferRequest};

use jobflow_vm::bytecode::JobBuiltin;
use jobflow_vm::native::{JobHooks, Library};

/// Registers the hooks of every host-performed built-in job in `lib`.
pub fn register_jobs(lib: &mut Library) {
    lib.add_job(
        JobBuiltin::Urlopen,
        JobHooks {
            prepare: url::prepare,
            finish: url::finish,
        },
    );
    lib.add_job(
        JobBuiltin::Mailto,
        JobHooks {
            prepare: mail::prepare,
            finish: mail::finish,
        },
    );
    lib.add_job(
        JobBuiltin::Download,
        JobHooks {
            prepare: files::download,
            finish: files::finish,
        },
    );
    lib.add_job(
        JobBuiltin::Upload,
        JobHooks {
            prepare: files::upload,
            finish: files::finish,
        },
    );
    lib.add_job(
        JobBuiltin::Put,
        JobHooks {
            prepare: remote::prepare_put,
            finish: remote::finish_paths,
        },
    );
    lib.add_job(
        JobBuiltin::Get,
        JobHooks {
            prepare: remote::prepare_get,
            finish: remote::finish_paths,
        },
    );
    lib.add_job(
        JobBuiltin::Reboot,
        JobHooks {
            prepare: remote::prepare_reboot,
            finish: remote::finish_reboot,
        },
    );
}
