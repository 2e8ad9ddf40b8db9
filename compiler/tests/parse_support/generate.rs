//! A generator of large, valid flows exercising many constructs, shared by
//! the parser tests and the parse benchmark.

/// One chunk of jobs, each a different construct; `{i}` makes names vary.
fn chunk(i: usize, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(
        out,
        "[a{i} = {i} + 2 * (3 - x) / 4 % 5, s{i} = 'text $a{i} ${{b}} \\n', d = {{k = 1, j = [1, 2.5, null]}}]\n\
         -> ['echo $s{i}' << 'input': 'arg', x = true]\n\
         => [./lib/sub{i}: a{i}, mode = 'fast']\n\
         -> {{ if a{i} > 3 and not done or x in [1, 2] | print('big', a{i}) -> [n = n + 1] }}\n\
         -> {{ for item in items | [item.name >> result['k'][0]] -> {{ if item == null | continue }} }}\n\
         ->> {{ case status | 0, 1: [ok = true] r'err.*'i: [ok = false] else: print('?') }}\n\
         =>> <chan ? 'msg': timeout = 5>\n\
         -> {{ while count < 10 and $STATUS == 0 | [count = count + 1] }}\n\
         -> {{ fork | ['uptime'] ['df -h'] -> [x = $RESULT] }}\n\
         -> [v = /system/config.value, w = d.get_item('k', 0), z = f(*arr, key = 1, **opts)]\n\
         -> {{ try | {{ session sh | [sh.send: 'ls'] -> <sh> }} }}\n\
         -> "
    );
}

/// A valid flow of about `target` bytes.
pub fn generate_flow(target: usize) -> String {
    let mut out = String::with_capacity(target + 1024);
    out.push_str("|items = []|\n|count = 0|\n# generated\n");
    let mut i = 0;
    while out.len() < target {
        chunk(i, &mut out);
        i += 1;
    }
    out.push_str("print('done')\n");
    out
}
