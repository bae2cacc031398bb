package tracecache // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// The evidence a remembered trace keeps is packed: each item's other fields
// in a packedItem, and the texts of a node's items in one string of the
// node, after each item's field lengths. Neither holds a pointer, so the
// garbage collector marks them without reading them, where an unpacked item
// is 328 bytes with 20 strings to follow, most of them names that many
// items share: in an outage the cache holds tens of thousands of items, and
// reading them was most of what the processor cost the collector's mark
// work (docs/performance.md §8).

// packedItem is an evidence item without its texts.
type packedItem struct {
	depth, httpStatusCode int
	userRule, matchRule   diagnosis.UserRule
	kind                  diagnosis.Kind
	strength              diagnosis.Strength
	statusError           bool
}

// A field's length takes fieldLenBytes in a packed text: the texts are
// clipped far below 64 KiB when read (evidence.ReadSpan).
const (
	fieldLenBytes = 2
	maxFieldLen   = 1<<16 - 1
	packedHeader  = diagnosis.TextCount * fieldLenBytes
)

// packedLen is the length of an item's packed text.
func packedLen(e *diagnosis.Evidence) int {
	n := packedHeader
	for _, f := range e.Texts() {
		n += min(len(*f), maxFieldLen)
	}
	return n
}

// pack appends the items to dst and their packed texts to text, and
// returns both: what a node keeps then refers to nothing of the batch.
func pack(dst []packedItem, text string, items []diagnosis.Evidence) ([]packedItem, string) {
	n := len(text)
	for i := range items {
		n += packedLen(&items[i])
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(text)
	for i := range items {
		e := &items[i]
		dst = append(dst, packedItem{
			depth: e.Depth, httpStatusCode: e.HTTPStatusCode, userRule: e.UserRule, matchRule: e.Match.UserRule,
			kind: e.Kind, strength: e.Match.Strength, statusError: e.StatusError,
		})
		fields := e.Texts()
		var head [packedHeader]byte
		for i, f := range fields {
			l := min(len(*f), maxFieldLen)
			head[i*fieldLenBytes], head[i*fieldLenBytes+1] = byte(l>>8), byte(l)
		}
		b.Write(head[:])
		for _, f := range fields {
			b.WriteString((*f)[:min(len(*f), maxFieldLen)])
		}
	}
	return dst, b.String()
}

// unpack sets *e to the item p, whose packed text is at text[at:], with
// its texts (parts of text), and returns where the next item's text starts.
// e is the caller's, an element of its slice: an item built here and
// returned would escape to the heap (its Texts are pointers into it).
func unpack(e *diagnosis.Evidence, p *packedItem, text string, at int) int {
	*e = diagnosis.Evidence{
		Kind: p.kind, Depth: p.depth, HTTPStatusCode: p.httpStatusCode, StatusError: p.statusError, UserRule: p.userRule,
		Match: diagnosis.Match{Strength: p.strength, UserRule: p.matchRule},
	}
	head, at := text[at:at+packedHeader], at+packedHeader
	for i, f := range e.Texts() {
		l := int(head[i*fieldLenBytes])<<8 | int(head[i*fieldLenBytes+1])
		*f, at = text[at:at+l], at+l
	}
	return at
}
