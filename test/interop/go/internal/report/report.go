// Package report prints the result of each check as one JSON object per line on stdout and
// explains failures on stderr, so that a driver can parse the output line by line.
package report

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// Fields are the check-specific members of a result line.
type Fields map[string]any

// Reporter writes result lines and remembers whether any check failed.
type Reporter struct {
	program string
	mu      sync.Mutex
	failed  bool
}

// New returns a Reporter whose stderr messages are prefixed with program.
func New(program string) *Reporter { return &Reporter{program: program} }

func (r *Reporter) line(check string, ok bool, fields Fields) {
	obj := map[string]any{}
	for k, v := range fields {
		obj[k] = v
	}
	obj["check"] = check
	obj["ok"] = ok
	b, err := json.Marshal(obj)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"check":%q,"ok":false,"error":%q}`, check, "cannot encode result: "+err.Error()))
	}
	os.Stdout.Write(append(b, '\n'))
}

// OK records a passed check.
func (r *Reporter) OK(check string, fields Fields) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.line(check, true, fields)
}

// Fail records a failed check: a line with ok=false and "error" on stdout, a message on stderr.
func (r *Reporter) Fail(check string, err error, fields Fields) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	f := Fields{}
	for k, v := range fields {
		f[k] = v
	}
	f["error"] = err.Error()
	r.line(check, false, f)
	fmt.Fprintf(os.Stderr, "%s: check %q failed: %v\n", r.program, check, err)
}

// Failed reports whether any check failed.
func (r *Reporter) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Exit ends the program: status 1 if any check failed, 0 otherwise.
func (r *Reporter) Exit() {
	if r.Failed() {
		fmt.Fprintf(os.Stderr, "%s: FAILED\n", r.program)
		os.Exit(1)
	}
	os.Exit(0)
}

// Fatal reports a usage or set-up error (not a check) and exits with status 2.
func Fatal(program string, format string, args ...any) {
	fmt.Fprintf(os.Stderr, program+": "+format+"\n", args...)
	os.Exit(2)
}
