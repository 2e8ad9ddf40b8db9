//! Name resolution: scopes, object paths against the flow root, callees.
