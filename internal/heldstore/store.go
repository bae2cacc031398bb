// Package heldstore keeps held spans in a storage extension until they are
// delivered, so that a crash loses none of them: written when they are
// held (one storage batch per consumed batch), marked when their delivery
// begins, removed when it ends, read back at start.
//
// The storage API has no listing, so spans are kept in numbered slots:
// "held/<n>" is a span, "held/<n>/r" marks its delivery begun, and
// "held/slots" is the highest slot in use, written with the spans that
// raise it. A slot is reused once its span is removed, so the slots in use
// stay as few as the spans stored at once, which max_held_spans and
// max_held_mib bound. Safe for concurrent use.
package heldstore // import "github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.opentelemetry.io/collector/extension/xextension/storage"
)

// Ref is the slot of a stored span; 0 is no slot.
type Ref int32

// Span is what is stored of a held span.
type Span struct {
	Deadline time.Time
	Status   int
	// Origin is the encoded client information of its request.
	Origin []byte
	// Data is the span with its resource and scope, OTLP-encoded.
	Data []byte
	// Evidence is other spans of its trace that its batch brought,
	// OTLP-encoded: read again at start, so that the span is diagnosed
	// with them; nil when none.
	Evidence []byte
}

// Restored is a span read back at start.
type Restored struct {
	Ref Ref
	Span
	// Interrupted: its delivery had begun before the restart, so it may
	// have arrived already; delivered again, it may arrive twice.
	Interrupted bool
}

type slotState uint8

const (
	free slotState = iota
	// reserved: taken for a span not written yet.
	reserved
	// dropped: removed while reserved; the write skips it.
	dropped
	// unwritten: the write failed; nothing is stored.
	unwritten
	written
	// stale: removed, but the delete failed; retried with the next removal.
	stale
)

const (
	slotsKey = "held/slots"
	// loadChunk is how many slots one storage batch reads at start.
	loadChunk = 256
	// encodingVersion is the first byte of a stored span.
	encodingVersion = 1
)

func spanKey(r Ref) string { return "held/" + strconv.Itoa(int(r)) }
func markKey(r Ref) string { return "held/" + strconv.Itoa(int(r)) + "/r" }

// Store is the held spans of one processor in one storage client.
type Store struct {
	client storage.Client

	mu    sync.Mutex
	state []slotState // by slot; state[0] is unused
	free  []Ref
	// persisted is the value of "held/slots" in storage.
	persisted int
	stale     []Ref
}

// New returns a store on client; Load reads what it holds.
func New(client storage.Client) *Store {
	return &Store{client: client, state: make([]slotState, 1)}
}

// Reserve takes a slot for a span to write. It does no I/O: call it when
// the span is held, Write after.
func (s *Store) Reserve() Ref {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reserveLocked()
}

func (s *Store) reserveLocked() Ref {
	if n := len(s.free); n > 0 {
		r := s.free[n-1]
		s.free = s.free[:n-1]
		s.state[r] = reserved
		return r
	}
	s.state = append(s.state, reserved)
	return Ref(len(s.state) - 1)
}

// Write stores spans in their reserved slots, in one storage batch. Slots
// removed meanwhile are skipped and freed. On an error nothing of the
// batch is stored and the spans are only in memory.
func (s *Store) Write(ctx context.Context, refs []Ref, spans []Span) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := make([]*storage.Operation, 0, len(refs)+1)
	top := 0
	for i, r := range refs {
		switch s.state[r] {
		case dropped:
			s.freeLocked(r)
			continue
		case reserved:
		default:
			continue
		}
		ops = append(ops, storage.SetOperation(spanKey(r), Encode(spans[i])))
		top = max(top, int(r))
	}
	if len(ops) == 0 {
		return nil
	}
	if top > s.persisted {
		ops = append(ops, storage.SetOperation(slotsKey, binary.AppendUvarint(nil, uint64(top))))
	}
	err := s.client.Batch(ctx, ops...)
	next := written
	if err != nil {
		next = unwritten
	} else {
		s.persisted = max(s.persisted, top)
	}
	for _, r := range refs {
		if s.state[r] == reserved {
			s.state[r] = next
		}
	}
	return err
}

// MarkDelivering records that the delivery of stored spans begins: after
// a crash they are known to be possible duplicates.
func (s *Store) MarkDelivering(ctx context.Context, refs []Ref) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := make([]*storage.Operation, 0, len(refs))
	for _, r := range refs {
		if r > 0 && s.state[r] == written {
			ops = append(ops, storage.SetOperation(markKey(r), []byte{1}))
		}
	}
	return s.batchLocked(ctx, ops)
}

// Unmark removes the marks of spans whose delivery failed: they are held
// again, not delivered.
func (s *Store) Unmark(ctx context.Context, refs []Ref) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ops := make([]*storage.Operation, 0, len(refs))
	for _, r := range refs {
		if r > 0 && s.state[r] == written {
			ops = append(ops, storage.DeleteOperation(markKey(r)))
		}
	}
	return s.batchLocked(ctx, ops)
}

// Remove removes delivered spans and frees their slots, with the deletes
// that failed before. A delete that fails again is kept for the next call;
// the slot is not reused until it succeeds.
func (s *Store) Remove(ctx context.Context, refs []Ref) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	del := s.stale
	s.stale = nil
	for _, r := range refs {
		if r <= 0 || int(r) >= len(s.state) {
			continue
		}
		switch s.state[r] {
		case reserved:
			s.state[r] = dropped
		case unwritten:
			s.freeLocked(r)
		case written:
			s.state[r] = stale
			del = append(del, r)
		}
	}
	if len(del) == 0 {
		return nil
	}
	ops := make([]*storage.Operation, 0, 2*len(del))
	for _, r := range del {
		ops = append(ops, storage.DeleteOperation(spanKey(r)), storage.DeleteOperation(markKey(r)))
	}
	if err := s.client.Batch(ctx, ops...); err != nil {
		s.stale = del
		return err
	}
	for _, r := range del {
		s.freeLocked(r)
	}
	return nil
}

func (s *Store) batchLocked(ctx context.Context, ops []*storage.Operation) error {
	if len(ops) == 0 {
		return nil
	}
	return s.client.Batch(ctx, ops...)
}

func (s *Store) freeLocked(r Ref) {
	s.state[r] = free
	s.free = append(s.free, r)
}

// Stored is the number of slots that hold a span.
func (s *Store) Stored() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.state {
		if st == written || st == stale {
			n++
		}
	}
	return n
}

// Loaded is what Load read.
type Loaded struct {
	Spans []Restored
	// Undecodable counts stored entries that did not decode: skipped and
	// removed. A caller that finds a span's Data undecodable removes it
	// and counts it too.
	Undecodable int
}

// Load reads the stored spans, before any other call. Their marks are
// removed (a span held again and delivered later is not a duplicate of its
// first delivery), and so are the entries that do not decode. An error
// means storage could not be read; what was read is returned.
func (s *Store) Load(ctx context.Context) (Loaded, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out Loaded
	raw, err := s.client.Get(ctx, slotsKey)
	if err != nil || raw == nil {
		return out, err
	}
	top, w := binary.Uvarint(raw)
	if w <= 0 || w != len(raw) || top > 1<<24 {
		out.Undecodable++
		return out, nil
	}
	s.persisted = int(top)
	s.state = make([]slotState, top+1)
	var clean []*storage.Operation
	for lo := 1; lo <= int(top); lo += loadChunk {
		hi := min(lo+loadChunk, int(top)+1)
		ops := make([]*storage.Operation, 0, 2*(hi-lo))
		for r := Ref(lo); r < Ref(hi); r++ {
			ops = append(ops, storage.GetOperation(spanKey(r)), storage.GetOperation(markKey(r)))
		}
		if err := s.client.Batch(ctx, ops...); err != nil {
			s.freeFrom(lo)
			return out, err
		}
		for i := 0; i < len(ops); i += 2 {
			r := Ref(lo + i/2)
			data, mark := ops[i].Value, ops[i+1].Value
			if mark != nil {
				clean = append(clean, storage.DeleteOperation(markKey(r)))
			}
			if data == nil {
				s.freeLocked(r)
				continue
			}
			sp, err := Decode(data)
			if err != nil {
				out.Undecodable++
				clean = append(clean, storage.DeleteOperation(spanKey(r)))
				s.freeLocked(r)
				continue
			}
			s.state[r] = written
			out.Spans = append(out.Spans, Restored{Ref: r, Span: sp, Interrupted: mark != nil})
		}
	}
	return out, s.batchLocked(ctx, clean)
}

// freeFrom frees the slots from lo on, not read.
func (s *Store) freeFrom(lo int) {
	for r := lo; r < len(s.state); r++ {
		s.freeLocked(Ref(r))
	}
}

// Close closes the storage client.
func (s *Store) Close(ctx context.Context) error { return s.client.Close(ctx) }

// ErrMalformed is returned by Decode for bytes that are no stored span.
var ErrMalformed = errors.New("heldstore: malformed entry")

// Encode encodes a span: version, deadline (unix nanoseconds), status,
// origin, evidence and data.
func Encode(sp Span) []byte {
	b := make([]byte, 0, 1+8+binary.MaxVarintLen64*3+len(sp.Origin)+len(sp.Evidence)+len(sp.Data))
	b = append(b, encodingVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(sp.Deadline.UnixNano()))
	b = binary.AppendUvarint(b, uint64(sp.Status))
	b = binary.AppendUvarint(b, uint64(len(sp.Origin)))
	b = append(b, sp.Origin...)
	b = binary.AppendUvarint(b, uint64(len(sp.Evidence)))
	b = append(b, sp.Evidence...)
	return append(b, sp.Data...)
}

// Decode decodes a span written by Encode. Data must still be checked to
// be a span.
func Decode(b []byte) (Span, error) {
	var sp Span
	if len(b) < 9 || b[0] != encodingVersion {
		return sp, fmt.Errorf("%w: %d bytes, no header", ErrMalformed, len(b))
	}
	sp.Deadline = time.Unix(0, int64(binary.BigEndian.Uint64(b[1:9]))).UTC()
	b = b[9:]
	status, w := binary.Uvarint(b)
	if w <= 0 || status > 999 {
		return sp, fmt.Errorf("%w: status", ErrMalformed)
	}
	sp.Status = int(status)
	b = b[w:]
	var ok bool
	if sp.Origin, b, ok = field(b); !ok {
		return sp, fmt.Errorf("%w: origin", ErrMalformed)
	}
	if sp.Evidence, b, ok = field(b); !ok {
		return sp, fmt.Errorf("%w: evidence", ErrMalformed)
	}
	if len(sp.Evidence) == 0 {
		sp.Evidence = nil
	}
	sp.Data = append([]byte(nil), b...)
	if len(sp.Data) == 0 {
		return sp, fmt.Errorf("%w: no span", ErrMalformed)
	}
	return sp, nil
}

// field reads a length-prefixed field, copied, and the bytes after it.
func field(b []byte) (f, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, b, false
	}
	return append([]byte{}, b[w:w+int(n)]...), b[w+int(n):], true
}
