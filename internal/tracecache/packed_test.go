package tracecache

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/diagnosis"
)

// everyField returns an item whose every field, nested ones included, is
// set to a value of its own (seed apart), found by reflection: a field
// added to diagnosis.Evidence and left out of the packing fails the round
// trip below.
func everyField(t *testing.T, seed int) diagnosis.Evidence {
	t.Helper()
	var e diagnosis.Evidence
	n := seed
	var fill func(v reflect.Value)
	fill = func(v reflect.Value) {
		n++
		switch v.Kind() {
		case reflect.Struct:
			for i := range v.NumField() {
				fill(v.Field(i))
			}
		case reflect.String:
			v.SetString(strings.Repeat(string(rune('a'+n%26)), n))
		case reflect.Int, reflect.Int32, reflect.Int64:
			v.SetInt(int64(n))
		case reflect.Uint8, reflect.Uint16:
			v.SetUint(uint64(n))
		case reflect.Bool:
			v.SetBool(true)
		default:
			t.Fatalf("diagnosis.Evidence has a field of kind %s that packing does not know", v.Kind())
		}
	}
	fill(reflect.ValueOf(&e).Elem())
	return e
}

// TestPackRoundTrip: items packed and unpacked in order come back equal,
// every field included but the depth (set by the attribution), whether a node's items come at once or later.
func TestPackRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		items []diagnosis.Evidence
	}{
		{"every field", []diagnosis.Evidence{everyField(t, 0)}},
		{"empty", []diagnosis.Evidence{{Kind: diagnosis.KindSpan}, {}}},
		{"several", []diagnosis.Evidence{{ExceptionType: "E1", ExceptionMessage: "first"}, everyField(t, 40), {StatusMessage: "last"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr Trace
			var x, other nodeExtra
			textCap := 0 // the capacity of the text chunks, as they start
			pack := func(x *nodeExtra, items []diagnosis.Evidence) {
				chunks, capBefore := len(tr.texts), tr.text.Cap()
				tr.pack(x, items)
				if len(tr.texts) > chunks || capBefore == 0 {
					textCap += tr.text.Cap()
				}
			}
			pack(&x, tt.items[:1])
			pack(&other, []diagnosis.Evidence{everyField(t, 90)}) // another node's between
			pack(&x, tt.items[1:])                                // a node's later items
			require.EqualValues(t, len(tt.items), x.packed)
			read := 0
			for i, j := 0, x.first; j != 0; i++ {
				var got diagnosis.Evidence
				p := &tr.items[j-1]
				j = unpack(&got, p, tr.textChunk(p.chunk))
				want := tt.items[i]
				want.Depth = 0 // not packed: the attribution's
				assert.Equal(t, want, got, "item %d", i)
				read += packedLen(&got)
			}
			assert.Equal(t, int(tr.textLen)+tr.text.Len(), read+packedLen(&[]diagnosis.Evidence{everyField(t, 90)}[0]), "every byte read")
			assert.Equal(t, tr.bytes, cap(tr.items)*packedItemSize+textCap+cap(tr.texts)*stringSize, "the arenas accounted for")
		})
	}
}

// TestTextChunks: a text that does not fit the chunk appended to starts a
// new one, every text reads back from its chunk, and at the last chunk
// index the chunk grows instead.
func TestTextChunks(t *testing.T) {
	tests := []struct {
		name   string
		texts  int
		chunks int // at least
	}{
		{"one chunk", 1, 0},
		{"several chunks", 40, 3},
		{"past the last index", 3000, maxTextChunks - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tr Trace
			refs := make([]textRef, tt.texts)
			want := make([]string, tt.texts)
			for i := range refs {
				// Texts longer than the slack, one after another: each
				// may open a chunk; a tiny textLen keeps chunks small.
				want[i] = strings.Repeat(string(rune('a'+i%26)), textSlack+1+i%7)
				refs[i] = tr.keepText(want[i])
				tr.textLen = 0 // as if every chunk were the first: many chunks
			}
			assert.GreaterOrEqual(t, len(tr.texts), tt.chunks)
			assert.LessOrEqual(t, len(tr.texts), maxTextChunks-1)
			for i, r := range refs {
				require.Equal(t, want[i], tr.textOf(r), "text %d", i)
			}
		})
	}
}

// TestPackClipsLongFields: a field longer than a length can say is
// clipped, not misread.
func TestPackClipsLongFields(t *testing.T) {
	long := strings.Repeat("x", maxFieldLen+10)
	var tr Trace
	var x nodeExtra
	tr.pack(&x, []diagnosis.Evidence{{Stacktrace: long, Frame: "f"}})
	var got diagnosis.Evidence
	assert.Zero(t, unpack(&got, &tr.items[0], tr.textChunk(tr.items[0].chunk)))
	assert.Len(t, got.Stacktrace, maxFieldLen)
	assert.Equal(t, "f", got.Frame)
	assert.Equal(t, tr.text.Len(), packedLen(&got))
}

// TestPackedHoldsNoPointer: what a trace keeps of its items and its nodes'
// extras is nothing the garbage collector reads.
func TestPackedHoldsNoPointer(t *testing.T) {
	var hasPointers func(reflect.Type) bool
	hasPointers = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				if hasPointers(ty.Field(i).Type) {
					return true
				}
			}
			return false
		case reflect.Array:
			return hasPointers(ty.Elem())
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
			return true
		default:
			return false
		}
	}
	assert.False(t, hasPointers(reflect.TypeFor[packedItem]()))
	assert.False(t, hasPointers(reflect.TypeFor[nodeExtra]()))
	assert.False(t, hasPointers(reflect.TypeFor[Node]()))
	assert.False(t, hasPointers(reflect.TypeFor[decidedRef]()))
	assert.False(t, hasPointers(reflect.TypeFor[textRef]()))
}
