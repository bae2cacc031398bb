// Package textutil holds the two text operations every string this
// processor stores or writes goes through: cutting at a byte budget without
// splitting a UTF-8 sequence, and folding to one clean line.
package textutil // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/textutil"

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CutAtRune returns the longest prefix of s of at most n bytes that does not
// split a UTF-8 sequence.
func CutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := 0; i < utf8.UTFMax && n > 0 && !utf8.RuneStart(s[n]); i++ {
		n--
	}
	return s[:n]
}

// OneLine returns valid UTF-8 on one line: invalid sequences become U+FFFD, runs
// of white space and control characters become one space, and leading and
// trailing space is trimmed.
func OneLine(s string) string {
	if isCleanASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size <= 1 {
			// One replacement character per run of invalid bytes.
			for i < len(s) {
				c2, size2 := utf8.DecodeRuneInString(s[i:])
				if c2 != utf8.RuneError || size2 > 1 {
					break
				}
				i++
			}
			c = utf8.RuneError
		} else {
			i += size
		}
		if unicode.IsSpace(c) || unicode.IsControl(c) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(c)
	}
	return b.String()
}

// isCleanASCII reports whether s is printable ASCII with single inner spaces.
func isCleanASCII(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prev := byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || (c == ' ' && prev == ' ') {
			return false
		}
		prev = c
	}
	return true
}
