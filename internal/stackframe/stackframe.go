// Package stackframe finds the top in-app frame of an exception.stacktrace:
// the function and module (class, package or file) where the application's
// own code failed, without line numbers, addresses, goroutine ids or
// offsets, which change with every build. Runtime, standard-library and
// framework frames are skipped. The languages and the skipped frames are
// tables: one row each, every row with a test.
package stackframe // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/stackframe"

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/memo"
)

// MaxFrameLen bounds the frame returned, in bytes.
const MaxFrameLen = 200

// maxLines bounds the lines of a stack trace looked at: the top frame of any
// real trace is far above.
const maxLines = 400

// frame is a parsed stack frame: module is the class, package or path tail
// (no extension), function the method or function name.
type frame struct {
	module, function string
	// where is what the skip rows match: the qualified class or package
	// (Go, Java, .NET, PHP) or the file path (Python, Node, Ruby).
	where string
}

// language is one row of the language table: how a runtime prints a frame
// and an exception chain.
type language struct {
	name string
	// parse returns the frame of a line and true when the line is a frame
	// line of this language.
	parse func(line, next string) (frame, bool)
	// boundary classifies a line that starts another exception of the chain:
	// newSection for a cause or an inner exception, ignoredSection for one
	// that is not on the failing path (Java's "Suppressed:"); nil: none.
	boundary func(line string) int
	// reset reports a line above which the frames of the section are not
	// where the failure happened (Go: the deferred recovery above panic()).
	reset func(line string) bool
	// bottomFirst: frames are printed outermost call first (Python).
	bottomFirst bool
	// deepestFirst: the innermost exception of a chain is printed first
	// (Python's chained tracebacks, .NET's inner exceptions).
	deepestFirst bool
}

// skip is one row of the skipped-frame table: frames of the language whose
// module has the prefix (or, with contains, holds the substring) are not
// in-app.
type skip struct {
	lang, name string
	prefix     string
	contains   bool
}

// anonymous is one row of the anonymous-function table: a frame of the
// language whose function name ends with suffix has no name of its own.
type anonymous struct {
	lang, name string
	suffix     string
}

// Anonymous reports whether a frame returned by Top is an anonymous
// function's (a callback, a lambda, a generator expression, a module's top
// level): the frame names the file, not the code that failed.
func Anonymous(frame string) bool {
	return anonymousRow(frame) != nil
}

func anonymousRow(frame string) *anonymous {
	for i := range anonymousFunctions {
		if strings.HasSuffix(frame, anonymousFunctions[i].suffix) {
			return &anonymousFunctions[i]
		}
	}
	return nil
}

// Results of language.boundary.
const (
	noBoundary = iota
	newSection
	ignoredSection
)

// Top returns the top in-app frame of a stack trace, "module.function"
// (Python, Node, Ruby and PHP files: "dir/file.function"), or "" when no
// frame of a known language is in-app. The frame of the innermost cause of
// a chain wins: that is where the fault is.
func Top(stacktrace string) string {
	if len(stacktrace) > maxMemoKey {
		return top1(stacktrace)
	}
	return tops.Get(stacktrace)
}

// Errors come in storms of the same exception: the frame of a stack trace
// seen before is looked up, not parsed again. The memo keeps copies of at
// most 256 stack traces of up to maxMemoKey bytes (2 MiB at worst).
const maxMemoKey = 8 << 10

var tops = memo.New(8, top1).OwnKeys(strings.Clone)

func top1(stacktrace string) string {
	f, _, _ := top(stacktrace, nil)
	return f
}

// top also returns the language row and reports the skip rows that fired
// to hit (for the coverage test).
func top(stacktrace string, hit func(string)) (string, string, bool) {
	lang, sections := parse(stacktrace, hit)
	if lang == nil {
		return "", "", false
	}
	pick := -1
	var best frame
	for i := range sections {
		if f, ok := sectionTop(lang, sections[i].frames, hit); ok {
			pick, best = i, f
			if lang.deepestFirst {
				break
			}
		}
	}
	if pick < 0 {
		return "", lang.name, true
	}
	s := best.function
	if best.module != "" {
		s = best.module + "." + best.function
	}
	// A copy: the frame is kept (memo, evidence cache), the trace is not.
	return strings.Clone(cutAtRune(s, MaxFrameLen)), lang.name, true
}

// sectionTop is the top in-app frame of one exception's frames: the first
// printed, or the last for languages that print the outermost call first.
func sectionTop(lang *language, frames []walked, hit func(string)) (frame, bool) {
	var best frame
	found := false
	for _, w := range frames {
		if inApp(lang.name, w.frame, hit) {
			if !lang.bottomFirst {
				return w.frame, true
			}
			best, found = w.frame, true
		}
	}
	return best, found
}

func inApp(lang string, f frame, hit func(string)) bool {
	if f.function == "" && f.module == "" {
		return false
	}
	for _, s := range skips {
		if s.lang != lang {
			continue
		}
		m := f.where
		if (s.contains && strings.Contains(m, s.prefix)) || (!s.contains && strings.HasPrefix(m, s.prefix)) {
			if hit != nil {
				hit(s.lang + "." + s.name)
			}
			return false
		}
	}
	if lang == "go" && isGoStdlib(f.where) {
		if hit != nil {
			hit("go.stdlib")
		}
		return false
	}
	return true
}

// isGoStdlib: the first element of the package path is one of the
// standard library's roots (net/http, database/sql, runtime, ...). A module
// path without a dot ("shop/cart") is the application's unless it is one of
// these.
func isGoStdlib(fn string) bool {
	first := fn
	if i := strings.IndexByte(fn, '/'); i >= 0 {
		first = fn[:i]
	} else if i := strings.IndexByte(fn, '.'); i >= 0 {
		first = fn[:i]
	}
	return goStdlibRoots[first]
}

// goStdlibRoots are the top-level packages of the Go standard library.
var goStdlibRoots = map[string]bool{}

func init() {
	for _, p := range strings.Fields(`archive bufio bytes cmp compress container context crypto database debug
		embed encoding errors expvar flag fmt go hash html image index internal io iter log maps math mime net
		os path plugin reflect regexp runtime slices sort strconv strings structs sync syscall testing text time
		unicode unique unsafe weak`) {
		goStdlibRoots[p] = true
	}
}

func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}

func boundaryOf(l *language, line string) int {
	if l.boundary == nil {
		return noBoundary
	}
	return l.boundary(line)
}

// nextLine splits the first line off s, without its line ending.
func nextLine(s string) (line, rest string) {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		line, rest = s[:i], s[i+1:]
	} else {
		line = s
	}
	return strings.TrimSuffix(line, "\r"), rest
}

// hasControl: a frame with a control character in its names is no frame a
// runtime printed.
func hasControl(f frame) bool {
	for _, s := range [...]string{f.module, f.function} {
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] == 0x7f {
				return true
			}
		}
	}
	return false
}
