package diagnosis

import "strings"

// The string fields of an Evidence are listed here once: what a copy that
// keeps no pointer writes out and reads back (Texts). The memo keys that
// keep a part of an item (the classifier's and the processor's texts) list
// that part once each and own it with OwnTexts.

// textFields returns every string field of e. The strings of e.Match are
// the rule tables' constants and the configuration's, never a batch's.
func (e *Evidence) textFields() [17]*string {
	return [...]*string{
		&e.Service, &e.SpanName, &e.ExceptionType, &e.ExceptionMessage, &e.Stacktrace, &e.Frame, &e.Origin,
		&e.DBSystem, &e.DBStatusCode, &e.DBQueryText, &e.RPCSystem, &e.RPCStatusCode, &e.Peer, &e.Endpoint,
		&e.Dependency, &e.ErrorType, &e.StatusMessage,
	}
}

// TextCount is the number of string fields of an Evidence, its Match's
// included.
const TextCount = 20

// Texts returns every string field of e, its Match's last: what a copy
// that keeps no pointer writes out and reads back (the evidence cache's
// packing, internal/tracecache).
func (e *Evidence) Texts() [TextCount]*string {
	var all [TextCount]*string
	own := e.textFields()
	copy(all[:], own[:])
	all[len(own)], all[len(own)+1], all[len(own)+2] = (*string)(&e.Match.Category), &e.Match.Cause, &e.Match.Rule
	return all
}

// OwnTexts copies the strings fields point to into one allocation, each
// then a part of it; nothing when they are all empty.
func OwnTexts(fields []*string) {
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	if n == 0 {
		return
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		b.WriteString(*f)
	}
	text := b.String()
	for _, f := range fields {
		*f, text = text[:len(*f)], text[len(*f):]
	}
}
