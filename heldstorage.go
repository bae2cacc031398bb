package errordiagnosisprocessor // import "github.com/errordiagnosis/errordiagnosisprocessor"

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.uber.org/zap"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/engine"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/heldstore"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/holdqueue"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/origin"
)

// Held spans in the storage extension (docs/reliability.md §2): written when
// they are held, before the batch that brought them is acknowledged; marked
// when their delivery begins; removed when it ends; read back at start.
// Storage faults are logged once, counted, and holding goes on in memory.

// heldStorageName names the storage client of the held spans, beside the
// registry's: file_storage gives each its own file.
const heldStorageName = "held_spans"

// Operations of the held_store_failures metric.
const (
	storeOpen   = "open"
	storeRead   = "read"
	storeWrite  = "write"
	storeRemove = "remove"
)

var storeFailureOpts = attributeOpts("operation", storeOpen, storeRead, storeWrite, storeRemove)

// heldStorage is the processor's side of the store: Held in, faults logged
// and counted. It stores nothing until open gives it a store.
type heldStorage struct {
	store     *heldstore.Store
	logger    *zap.Logger
	telemetry *metadata.TelemetryBuilder
	// failing: the last operation failed, which was logged; the next
	// failures are only counted until one succeeds.
	failing atomic.Bool
}

// open opens the held spans' client of the storage extension id; false,
// with the fault logged and counted, when the extension cannot give one.
// A missing or wrong extension is the registry's configuration error,
// reported by its openStorage.
func (s *heldStorage) open(ctx context.Context, host component.Host, id, self component.ID) bool {
	se, ok := host.GetExtensions()[id].(storage.Extension)
	if !ok {
		return false
	}
	s.logger = s.logger.With(zap.String("storage", id.String()))
	client, err := se.GetClient(ctx, component.KindProcessor, self, heldStorageName)
	if err != nil {
		s.fault(ctx, storeOpen, 0, err)
		return false
	}
	s.store = heldstore.New(client)
	return true
}

// write stores the spans a batch held, with the evidence their batch
// brought (by index of held, nil when none), in one storage batch.
func (s *heldStorage) write(ctx context.Context, held []*holdqueue.Held, evidence [][]byte) {
	if s.store == nil || len(held) == 0 {
		return
	}
	refs := make([]heldstore.Ref, len(held))
	spans := make([]heldstore.Span, len(held))
	for i, h := range held {
		refs[i] = h.Stored
		spans[i] = heldstore.Span{Deadline: h.Deadline, Status: h.Status, Origin: h.Origin.Marshal(), Data: h.Data}
		if evidence != nil {
			spans[i].Evidence = evidence[i]
		}
	}
	s.done(ctx, storeWrite, len(held), s.store.Write(ctx, refs, spans))
}

// delivering marks spans whose delivery begins.
func (s *heldStorage) delivering(ctx context.Context, held []*holdqueue.Held) {
	if s.store != nil {
		s.done(ctx, storeWrite, len(held), s.store.MarkDelivering(ctx, slotsOf(held)))
	}
}

// delivered removes spans whose delivery ended: accepted, or rejected for
// good.
func (s *heldStorage) delivered(ctx context.Context, held []*holdqueue.Held) {
	if s.store != nil {
		s.done(ctx, storeRemove, len(held), s.store.Remove(ctx, slotsOf(held)))
	}
}

// undelivered unmarks spans whose delivery failed: they stay stored, held
// again or, at shutdown, for the next start.
func (s *heldStorage) undelivered(ctx context.Context, held []*holdqueue.Held) {
	if s.store != nil {
		s.done(ctx, storeRemove, len(held), s.store.Unmark(ctx, slotsOf(held)))
	}
}

// discard removes a stored span that cannot be restored.
func (s *heldStorage) discard(ctx context.Context, r heldstore.Ref) {
	s.done(ctx, storeRemove, 1, s.store.Remove(ctx, []heldstore.Ref{r}))
}

// load reads the stored spans back, counting them and the possible
// duplicates among them; undecodable is the number of entries that did
// not decode, to count with those restore finds.
func (s *heldStorage) load(ctx context.Context) (spans []heldstore.Restored, undecodable int) {
	loaded, err := s.store.Load(ctx)
	s.done(ctx, storeRead, len(loaded.Spans), err)
	dup := 0
	for _, r := range loaded.Spans {
		if r.Interrupted {
			dup++
		}
	}
	if len(loaded.Spans) > 0 {
		s.telemetry.ProcessorErrordiagnosisHeldStoreRestored.Add(ctx, int64(len(loaded.Spans)))
		s.logger.Info("Held spans read back from storage: held again until their deadline, or diagnosed and delivered now.",
			zap.Int("spans", len(loaded.Spans)), zap.Int("possible_duplicates", dup))
	}
	if dup > 0 {
		s.telemetry.ProcessorErrordiagnosisHeldStoreDuplicates.Add(ctx, int64(dup))
	}
	return loaded.Spans, loaded.Undecodable
}

func (s *heldStorage) undecodable(ctx context.Context, n int) {
	if n > 0 {
		s.logger.Warn("Stored held spans that do not decode were skipped and removed.", zap.Int("entries", n))
		s.telemetry.ProcessorErrordiagnosisHeldStoreUndecodable.Add(ctx, int64(n))
	}
}

func (s *heldStorage) close(ctx context.Context) {
	if s.store == nil {
		return
	}
	if err := s.store.Close(ctx); err != nil {
		s.logger.Warn("The held spans' storage client did not close cleanly.", zap.Error(err))
	}
}

// done logs the first of a run of failures and counts each; the end of the
// run is logged too.
func (s *heldStorage) done(ctx context.Context, op string, spans int, err error) {
	if err == nil {
		if s.failing.CompareAndSwap(true, false) {
			s.logger.Info("The held spans are written to storage again.")
		}
		return
	}
	s.fault(ctx, op, spans, err)
}

func (s *heldStorage) fault(ctx context.Context, op string, spans int, err error) {
	s.telemetry.ProcessorErrordiagnosisHeldStoreFailures.Add(ctx, 1, storeFailureOpts[op])
	if s.failing.Swap(true) {
		return
	}
	msg := fmt.Sprintf("The held spans' storage failed (%s): they are held in memory all the same, and a crash would lose them until storage works again.", op)
	if errors.Is(err, storage.ErrStorageFull) {
		msg = fmt.Sprintf("The held spans' storage is full (%s): they are held in memory all the same, and a crash would lose them until storage works again.", op)
	}
	s.logger.Error(msg, zap.Int("spans", spans), zap.Error(err))
}

func slotsOf(held []*holdqueue.Held) []heldstore.Ref {
	refs := make([]heldstore.Ref, len(held))
	for i, h := range held {
		refs[i] = h.Stored
	}
	return refs
}

// restore holds again the spans read back from storage, each with the
// client information of its request, through hold (the processor's own
// path, which keeps each in its slot until its deadline). A span hold
// gives back — no longer a target under the configuration of this start —
// is delivered as it is. Entries that do not decode are removed.
func (s *heldStorage) restore(ctx context.Context, hold func(context.Context, ptrace.Traces, *engine.Restoring) (ptrace.Traces, error), next consumer.Traces) {
	if s.store == nil {
		return
	}
	restored, bad := s.load(ctx)
	for _, r := range restored {
		org, oerr := origin.Unmarshal(r.Origin)
		td, derr := engine.DecodeHeld(r.Data)
		if oerr != nil || derr != nil || td.SpanCount() != 1 {
			bad++
			s.discard(ctx, r.Ref)
			continue
		}
		sp := td.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0)
		traceID, spanID := sp.TraceID(), sp.SpanID()
		if r.Evidence != nil {
			// Undecodable evidence is only less to go on.
			if ev, err := engine.DecodeHeld(r.Evidence); err == nil {
				ev.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
			}
		}
		octx := org.Context(context.Background())
		out, err := hold(octx, td, &engine.Restoring{Deadline: r.Deadline, Ref: r.Ref})
		// The evidence was delivered before the restart: only the span
		// itself goes out, when it is not held again.
		engine.KeepOnly(out, traceID, spanID)
		if err != nil || out.SpanCount() == 0 || next == nil {
			continue // held again
		}
		if err := next.ConsumeTraces(octx, out); err != nil {
			s.logger.Error("A span read back from storage could not be delivered; it stays stored for the next start.", zap.Error(err))
			continue
		}
		s.discard(ctx, r.Ref)
	}
	s.undecodable(ctx, bad)
}
