package tracecache // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/tracecache"

import (
	"strings"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// The evidence a remembered trace keeps is packed, in two arenas of the
// trace: each item's other fields in a packedItem of Trace.items, the items
// of one node linked by index, and the texts of every item in the trace's
// text chunks (Trace.text, the one appended to, and Trace.texts, the full
// ones before it), after each item's field lengths. Neither holds a pointer, nor do the
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
	// text is where the item's packed text starts in text chunk chunk
	// (Trace.textChunk); next is the index+1 of the node's next item in
	// Trace.items, 0 for its last.
	text, next          uint32
	userRule, matchRule diagnosis.UserRule
	kind                diagnosis.Kind
	strength            diagnosis.Strength
	statusError         bool
	chunk               uint8
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
// nothing of the batch. The texts of one call go in one text chunk.
func (t *Trace) pack(x *nodeExtra, items []diagnosis.Evidence) {
	n := 0
	for i := range items {
		n += packedLen(&items[i])
	}
	itemsBefore := cap(t.items)
	chunk := t.reserveText(n)
	for i := range items {
		e := &items[i]
		t.items = append(t.items, packedItem{
			httpStatusCode: e.HTTPStatusCode, userRule: e.UserRule, matchRule: e.Match.UserRule,
			kind: e.Kind, strength: e.Match.Strength, statusError: e.StatusError, text: uint32(t.text.Len()), chunk: chunk,
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

// textRef is a text kept in the trace's text chunks: n&maxKeptText bytes
// at at of chunk n>>keptTextBits (Trace.textChunk); 8 bytes, as a
// decision keeps four.
type textRef struct{ at, n uint32 }

// A kept text's length takes the low keptTextBits of textRef.n, its chunk
// the 8 bits above.
const (
	keptTextBits = 24
	maxKeptText  = 1<<keptTextBits - 1
)

// keepText appends s, within maxKeptText bytes, to the trace's text chunks.
func (t *Trace) keepText(s string) textRef {
	if s == "" {
		return textRef{}
	}
	s = s[:min(len(s), maxKeptText)]
	chunk := t.reserveText(len(s))
	at := t.text.Len()
	t.text.WriteString(s)
	return textRef{uint32(at), uint32(chunk)<<keptTextBits | uint32(len(s))}
}

// reserveText makes room for n more bytes in the chunk appended to, and
// returns its index, accounting for what it allocates. When the chunk has
// no room, it is kept full as it is (the strings made of it stay valid)
// and a new one starts, of n bytes and a quarter of the text before it as
// slack: nothing is copied, and the budget counts the chunks' capacity.
// The last index a packedItem or textRef can say grows the chunk instead,
// copying it (its offsets stay); the quarter's growth never gets there.
func (t *Trace) reserveText(n int) uint8 {
	if t.text.Cap()-t.text.Len() >= n {
		return uint8(len(t.texts))
	}
	before := t.text.Cap()
	size := n + int(t.textLen)/4 + textSlack
	if len(t.texts) == maxTextChunks-1 {
		old := t.text.String()
		t.text = strings.Builder{}
		t.text.Grow(len(old) + size)
		t.text.WriteString(old)
		t.grown(before, t.text.Cap(), 1)
		return uint8(len(t.texts))
	}
	if t.text.Cap() > 0 {
		chunksBefore := cap(t.texts)
		t.texts = append(t.texts, t.text.String())
		t.grown(chunksBefore, cap(t.texts), stringSize)
		t.textLen += uint32(t.text.Len())
		t.text = strings.Builder{}
	}
	t.text.Grow(size)
	t.grow(t.text.Cap())
	return uint8(len(t.texts))
}

// textSlack is the least room left in a new text chunk: a released
// diagnosis's texts, or another service's name.
const textSlack = 32

// maxTextChunks is the number of text chunks a uint8 index can say.
const maxTextChunks = 256

// textChunk is the text of chunk i of the trace.
func (t *Trace) textChunk(i uint8) string {
	if int(i) < len(t.texts) {
		return t.texts[i]
	}
	return t.text.String()
}

// textOf is a text kept in the trace's text chunks.
func (t *Trace) textOf(r textRef) string {
	if r.n == 0 {
		return ""
	}
	return t.textChunk(uint8(r.n >> keptTextBits))[r.at : r.at+r.n&maxKeptText]
}
