package tracecache // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// The evidence a remembered trace keeps is packed, in two arenas of the
// trace: each item's other fields in a packedItem of Trace.items, the items
// of one node linked by index, and the texts of every item in Trace.text,
// after each item's field lengths. Neither holds a pointer, nor do the
// node extras that point into them, so the garbage collector marks a
// trace's evidence as two objects it does not read, however many items and
// nodes it has; an unpacked item is 328 bytes with 20 strings to follow.
// In an outage the cache holds tens of thousands of items, and reading
// them was most of what the processor cost the collector's mark work
// (docs/performance.md §8).

// packedItem is an evidence item without its texts, nor its depth: read as
// 0, the depth is the attribution's (Trace.Attribute).
type packedItem struct {
	httpStatusCode int
	// text is where the item's packed text starts in Trace.text; next is
	// the index+1 of the node's next item in Trace.items, 0 for its last.
	text, next          uint32
	userRule, matchRule diagnosis.UserRule
	kind                diagnosis.Kind
	strength            diagnosis.Strength
	statusError         bool
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

// pack appends the items to the trace's arenas as the last of node extra
// x's, and accounts for their growth: what the trace keeps then refers to
// nothing of the batch. The text arena is only ever appended to (a
// strings.Builder): the strings made of it stay valid when it moves.
func (t *Trace) pack(x *nodeExtra, items []diagnosis.Evidence) {
	n := 0
	for i := range items {
		n += packedLen(&items[i])
	}
	itemsBefore, textBefore := cap(t.items), t.text.Cap()
	t.reserveText(n)
	for i := range items {
		e := &items[i]
		t.items = append(t.items, packedItem{
			httpStatusCode: e.HTTPStatusCode, userRule: e.UserRule, matchRule: e.Match.UserRule,
			kind: e.Kind, strength: e.Match.Strength, statusError: e.StatusError, text: uint32(t.text.Len()),
		})
		at := uint32(len(t.items))
		if x.last != 0 {
			t.items[x.last-1].next = at
		} else {
			x.first = at
		}
		x.last = at
		x.packed++
		fields := e.Texts()
		var head [packedHeader]byte
		for i, f := range fields {
			l := min(len(*f), maxFieldLen)
			head[i*fieldLenBytes], head[i*fieldLenBytes+1] = byte(l>>8), byte(l)
		}
		t.text.Write(head[:])
		for _, f := range fields {
			t.text.WriteString((*f)[:min(len(*f), maxFieldLen)])
		}
	}
	t.grown(itemsBefore, cap(t.items), packedItemSize)
	t.grown(textBefore, t.text.Cap(), 1)
}

// unpack sets *e to the item p, whose packed text is in text, with its
// texts (parts of text), and returns the index+1 of the node's next item.
// e is the caller's, an element of its slice: an item built here and
// returned would escape to the heap (its Texts are pointers into it).
func unpack(e *diagnosis.Evidence, p *packedItem, text string) uint32 {
	*e = diagnosis.Evidence{
		Kind: p.kind, HTTPStatusCode: p.httpStatusCode, StatusError: p.statusError, UserRule: p.userRule,
		Match: diagnosis.Match{Strength: p.strength, UserRule: p.matchRule},
	}
	at := int(p.text)
	head, at := text[at:at+packedHeader], at+packedHeader
	for i, f := range e.Texts() {
		if l := int(head[i*fieldLenBytes])<<8 | int(head[i*fieldLenBytes+1]); l > 0 {
			*f, at = text[at:at+l], at+l
		}
	}
	return p.next
}

// textRef is a text kept in Trace.text: n bytes at at.
type textRef struct{ at, n uint32 }

// keepText appends s to the trace's text arena.
func (t *Trace) keepText(s string) textRef {
	if s == "" {
		return textRef{}
	}
	before, at := t.text.Cap(), t.text.Len()
	t.reserveText(len(s))
	t.text.WriteString(s)
	t.grown(before, t.text.Cap(), 1)
	return textRef{uint32(at), uint32(len(s))}
}

// reserveText makes room for n more bytes in the text arena, with a
// quarter of slack rather than strings.Builder's doubling: the budget counts
// the arena's capacity, and most of a trace's text comes at once.
func (t *Trace) reserveText(n int) {
	if t.text.Cap()-t.text.Len() >= n {
		return
	}
	old := t.text.String()
	t.text = strings.Builder{}
	t.text.Grow(len(old) + n + len(old)/4 + textSlack)
	t.text.WriteString(old)
}

// textSlack is the least room left after a growth of the text arena: a
// released diagnosis's texts, or another service's name.
const textSlack = 32

// textOf is a text kept in the trace's text arena.
func (t *Trace) textOf(r textRef) string {
	if r.n == 0 {
		return ""
	}
	return t.text.String()[r.at : r.at+r.n]
}
