package errordiagnosisprocessor

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/extension/xextension/storage"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	"go.opentelemetry.io/otel/sdk/metric/metricdata/metricdatatest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadata"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/metadatatest"
	"github.com/errordiagnosis/errordiagnosisprocessor/internal/registry"
)

// memStorage is a storage extension in memory whose faults the test sets.
type memStorage struct {
	mu                       sync.Mutex
	data                     map[string][]byte
	clientErr, getErr        error
	setErr                   error
	sets, closes             int
	clientKind, clientIDName string
}

func newMemStorage() *memStorage { return &memStorage{data: map[string][]byte{}} }

func (m *memStorage) Start(context.Context, component.Host) error { return nil }
func (m *memStorage) Shutdown(context.Context) error              { return nil }

func (m *memStorage) GetClient(_ context.Context, kind component.Kind, id component.ID, name string) (storage.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.clientErr != nil {
		return nil, m.clientErr
	}
	m.clientKind, m.clientIDName = kind.String(), id.String()+"/"+name
	return memClient{m}, nil
}

func (m *memStorage) stored() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.data[registryStorageKey]
}

func (m *memStorage) set(f func(*memStorage)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f(m)
}

type memClient struct{ m *memStorage }

func (c memClient) Get(_ context.Context, key string) ([]byte, error) {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	if c.m.getErr != nil {
		return nil, c.m.getErr
	}
	return c.m.data[key], nil
}

func (c memClient) Set(_ context.Context, key string, value []byte) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	if c.m.setErr != nil {
		return c.m.setErr
	}
	c.m.sets++
	c.m.data[key] = append([]byte(nil), value...)
	return nil
}

func (c memClient) Delete(_ context.Context, key string) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	delete(c.m.data, key)
	return nil
}

// Batch applies the operations or, when one would fail, none of them.
func (c memClient) Batch(_ context.Context, ops ...*storage.Operation) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	for _, op := range ops {
		if op.Type == storage.Get && c.m.getErr != nil {
			return c.m.getErr
		}
		if op.Type != storage.Get && c.m.setErr != nil {
			return c.m.setErr
		}
	}
	for _, op := range ops {
		switch op.Type {
		case storage.Get:
			op.Value = c.m.data[op.Key]
		case storage.Set:
			c.m.sets++
			c.m.data[op.Key] = append([]byte(nil), op.Value...)
		case storage.Delete:
			delete(c.m.data, op.Key)
		}
	}
	return nil
}

func (c memClient) Close(context.Context) error {
	c.m.mu.Lock()
	defer c.m.mu.Unlock()
	c.m.closes++
	return nil
}

// plainExtension is an extension that is not a storage extension.
type plainExtension struct{}

func (plainExtension) Start(context.Context, component.Host) error { return nil }
func (plainExtension) Shutdown(context.Context) error              { return nil }

// newUnstartedProcessor is a traces processor of the factory, not started.
func newUnstartedProcessor(t *testing.T, cfg *Config) processor.Traces {
	t.Helper()
	require.NoError(t, cfg.Validate())
	p, err := NewFactory().CreateTraces(context.Background(), processortest.NewNopSettings(metadata.Type), cfg, consumertest.NewNop())
	require.NoError(t, err)
	return p
}

// hostWith is a host with extensions.
type hostWith struct {
	component.Host
	exts map[component.ID]component.Component
}

func (h hostWith) GetExtensions() map[component.ID]component.Component { return h.exts }

var storageID = component.MustNewID("file_storage")

func hostWithStorage(ext component.Component) component.Host {
	return hostWith{componenttest.NewNopHost(), map[component.ID]component.Component{storageID: ext}}
}

// storedDiagnoser is a started per-batch diagnoser with its registry in st,
// its logs in an observer and its telemetry in tt.
type storedDiagnoser struct {
	d    *diagnoser
	sink *consumertest.TracesSink
	logs *observer.ObservedLogs
	tt   *componenttest.Telemetry
}

func startStored(t *testing.T, ext component.Component, clock *time.Time) storedDiagnoser {
	t.Helper()
	return startStoredTicked(t, ext, clock, 0, newTicker)
}

// startStoredTicked is startStored with a flush_interval (0: the default)
// on the tickers of newTicker.
func startStoredTicked(t *testing.T, ext component.Component, clock *time.Time, flush time.Duration, newTicker func(time.Duration) ticker) storedDiagnoser {
	t.Helper()
	tt := componenttest.NewTelemetry()
	t.Cleanup(func() { require.NoError(t, tt.Shutdown(context.Background())) })
	cfg := perBatchConfig()
	cfg.Storage = &storageID
	if flush > 0 {
		cfg.Registry.FlushInterval = flush
	}
	require.NoError(t, cfg.Validate())
	set := metadatatest.NewSettings(tt)
	core, logs := observer.New(zapcore.InfoLevel)
	set.Logger = zap.New(core)
	d, err := newDiagnoser(set, cfg)
	require.NoError(t, err)
	sink := &consumertest.TracesSink{}
	d.out.next = sink
	d.now = func() time.Time { return *clock }
	d.loops.newTicker = newTicker
	require.NoError(t, d.start(context.Background(), hostWithStorage(ext)))
	return storedDiagnoser{d, sink, logs, tt}
}

// send runs one batch and returns what came out: spans in == spans out.
func (s storedDiagnoser) send(t *testing.T, td ptrace.Traces) ptrace.Traces {
	t.Helper()
	n := td.SpanCount()
	consume(t, s.d, s.sink, td)
	out := s.sink.AllTraces()[len(s.sink.AllTraces())-1]
	require.Equal(t, n, out.SpanCount(), "spans in == spans out")
	return out
}

// messages returns the logged messages at level and above.
func messages(logs *observer.ObservedLogs, level zapcore.Level) []string {
	var out []string
	for _, e := range logs.All() {
		if e.Level >= level {
			out = append(out, e.Message)
		}
	}
	return out
}

// TestRegistryKeptAcrossRestart is the sequence with a storage
// extension: version 1.0 with errors A → A new, not a regression; restart;
// version 1.1 with A and B → B a regression, A not, A's first sighting and
// count carried over.
func TestRegistryKeptAcrossRestart(t *testing.T) {
	st := newMemStorage()
	clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
	ctx := context.Background()

	first := startStored(t, st, &clock)
	a := firstSeenOf(t, first.send(t, versioned(1, "1.0", "/a", 500)), "diagnosis.")
	assert.Equal(t, firstSeen{"2026-12-02T06:10:00Z", "1.0", false, 1, allFour}, a)
	require.NoError(t, first.d.shutdown(ctx))
	require.NotNil(t, st.stored(), "written at shutdown")
	assert.Equal(t, "Processor", st.clientKind)
	assert.Equal(t, "errordiagnosis/", st.clientIDName)
	assert.Equal(t, 1, st.closes)
	assert.Contains(t, messages(first.logs, zapcore.InfoLevel), "No fingerprint registry in storage yet: it starts empty.")

	clock = clock.Add(time.Hour)
	second := startStored(t, st, &clock)
	assert.Contains(t, messages(second.logs, zapcore.InfoLevel), "Fingerprint registry loaded from storage.")
	a = firstSeenOf(t, second.send(t, versioned(2, "1.1", "/a", 500)), "diagnosis.")
	assert.Equal(t, firstSeen{"2026-12-02T06:10:00Z", "1.0", false, 2, allFour}, a, "A was seen before the restart")
	b := firstSeenOf(t, second.send(t, versioned(3, "1.1", "/b", 500)), "diagnosis.")
	assert.Equal(t, firstSeen{"2026-12-02T07:10:00Z", "1.1", true, 1, allFour}, b, "B came with 1.1, after 1.0")
	require.NoError(t, second.d.shutdown(ctx))
	assert.Empty(t, messages(second.logs, zapcore.WarnLevel))
}

// TestRegistryFlushedInBackground: a changed registry is written every
// flush_interval without a shutdown, an unchanged one is not written again.
func TestRegistryFlushedInBackground(t *testing.T) {
	st := newMemStorage()
	clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
	tickers := newManualTickers()
	s := startStoredTicked(t, st, &clock, time.Second, tickers.newTicker)
	s.send(t, versioned(1, "1.0", "/a", 500))
	tickers.tick(time.Second, 2) // the first flush_interval handled
	require.NotNil(t, st.stored(), "written by the registry's loop")
	got, err := registry.Decode(st.stored())
	require.NoError(t, err)
	require.Len(t, got.Groups, 1)
	assert.Equal(t, "1.0", got.Groups[0].FirstVersion)
	tickers.tick(time.Second, 3) // two more ticks handled, nothing changed
	st.set(func(m *memStorage) { assert.Equal(t, 1, m.sets) })
	require.NoError(t, s.d.shutdown(context.Background()))
	st.set(func(m *memStorage) { assert.Equal(t, 1, m.sets, "unchanged at shutdown: not written again") })
}

// TestStorageConfigErrors: an id naming no extension, or an extension that
// is not a storage extension, fails Start naming the id.
func TestStorageConfigErrors(t *testing.T) {
	cfg := perBatchConfig()
	id := component.MustNewIDWithName("file_storage", "missing")
	cfg.Storage = &id
	for name, host := range map[string]component.Host{
		"no such extension":       componenttest.NewNopHost(),
		"not a storage extension": hostWith{componenttest.NewNopHost(), map[component.ID]component.Component{id: plainExtension{}}},
	} {
		t.Run(name, func(t *testing.T) {
			p := newUnstartedProcessor(t, cfg)
			err := p.Start(context.Background(), host)
			require.Error(t, err)
			assert.Contains(t, err.Error(), `storage: `)
			assert.Contains(t, err.Error(), `"file_storage/missing"`)
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

// TestStorageFaults: storage that cannot be opened, read, decoded or
// written is logged once, counted, and the registry carries on in memory;
// every span is delivered and diagnosed.
func TestStorageFaults(t *testing.T) {
	tests := []struct {
		name      string
		fault     func(*memStorage)
		level     zapcore.Level
		log       string
		operation string
		rewritten bool // the next flush replaces what is stored
	}{
		{"client cannot be opened", func(m *memStorage) { m.clientErr = errors.New("directory not writable") },
			zapcore.WarnLevel, "The fingerprint registry could not open its storage: it is kept in memory only and starts empty after a restart.", operationLoad, false},
		{"read fails", func(m *memStorage) { m.getErr = errors.New("i/o error") },
			zapcore.WarnLevel, "The fingerprint registry could not be read from storage: it starts empty, and the next flush replaces what is stored.", operationLoad, false},
		{"corrupt", func(m *memStorage) { m.data[registryStorageKey] = []byte("edreg\x01\x02v2garbage") },
			zapcore.WarnLevel, "The fingerprint registry in storage is unreadable: it starts empty, and the next flush replaces it.", operationLoad, true},
		{"other data", func(m *memStorage) { m.data[registryStorageKey] = []byte(`{"not":"ours"}`) },
			zapcore.WarnLevel, "The fingerprint registry in storage is unreadable: it starts empty, and the next flush replaces it.", operationLoad, true},
		{"full", func(m *memStorage) { m.setErr = storage.ErrStorageFull },
			zapcore.ErrorLevel, "The fingerprint registry could not be written: the storage is full. It carries on in memory, and is written again every flush_interval.", operationFlush, false},
		{"write fails", func(m *memStorage) { m.setErr = errors.New("read-only file system") },
			zapcore.ErrorLevel, "The fingerprint registry could not be written to storage: it carries on in memory, and is written again every flush_interval.", operationFlush, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := newMemStorage()
			tt.fault(st)
			clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
			s := startStored(t, st, &clock)
			for i := range 3 {
				got := firstSeenOf(t, s.send(t, versioned(uint64(i), "1.0", "/a", 500)), "diagnosis.")
				assert.Equal(t, int64(i+1), got.Occurrences, "counted in memory")
			}
			s.d.registry.flush(context.Background()) // a background flush
			require.NoError(t, s.d.shutdown(context.Background()))

			var logged []string
			for _, e := range s.logs.All() {
				if e.Level >= zapcore.WarnLevel {
					logged = append(logged, e.Message)
					assert.Equal(t, tt.level, e.Level)
					assert.Equal(t, "file_storage", e.ContextMap()["storage"], "names the extension")
				}
			}
			assert.Equal(t, []string{tt.log}, logged, "one clear line, not one per flush")
			failures := int64(1)
			if tt.operation == operationFlush {
				failures = 2 // the background flush and the one at shutdown
			}
			metadatatest.AssertEqualProcessorErrordiagnosisRegistryStorageFailures(t, s.tt, []metricdata.DataPoint[int64]{
				{Value: failures, Attributes: attribute.NewSet(attribute.String("operation", tt.operation))},
			}, metricdatatest.IgnoreTimestamp())
			if tt.rewritten {
				got, err := registry.Decode(st.stored())
				require.NoError(t, err, "the unreadable data was replaced")
				assert.Len(t, got.Groups, 1)
			}
		})
	}
}

// TestStorageRecovers: after failed flushes, a flush that succeeds is
// logged and stores the registry.
func TestStorageRecovers(t *testing.T) {
	st := newMemStorage()
	st.setErr = errors.New("disk detached")
	clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
	s := startStored(t, st, &clock)
	s.send(t, versioned(1, "1.0", "/a", 500))
	s.d.registry.flush(context.Background())
	s.d.registry.flush(context.Background())
	st.set(func(m *memStorage) { m.setErr = nil })
	s.d.registry.flush(context.Background())
	require.NoError(t, s.d.shutdown(context.Background()))
	assert.Contains(t, messages(s.logs, zapcore.InfoLevel), "The fingerprint registry is written to storage again.")
	assert.Len(t, messages(s.logs, zapcore.ErrorLevel), 1)
	_, err := registry.Decode(st.stored())
	require.NoError(t, err)
}

// TestStoredSchemeMismatch: groups stored under another fingerprint scheme
// are dropped, the versions kept: a new group in the later version is
// still a regression.
func TestStoredSchemeMismatch(t *testing.T) {
	clock := time.Date(2026, 12, 2, 6, 10, 0, 0, time.UTC)
	old := registry.New(registry.Limits{MaxEntries: 10, MaxAge: time.Hour, MaxServices: 10, MaxVersionsPerService: 4}, func() time.Time { return clock })
	svc := registry.Service{Name: "cart", Environment: "production"}
	old.ObserveVersion(svc, "1.0")
	old.Record(registry.Key{Service: svc, Fingerprint: "0000000000000000"}, "1.0")
	st := newMemStorage()
	st.data[registryStorageKey] = registry.Encode(old.Snapshot("v1"))

	s := startStored(t, st, &clock)
	assert.Zero(t, s.d.registry.reg.Len())
	got := firstSeenOf(t, s.send(t, versioned(1, "1.1", "/a", 500)), "diagnosis.")
	assert.True(t, got.Regression, "1.1 appeared after the stored 1.0")
	require.NoError(t, s.d.shutdown(context.Background()))
	assert.Empty(t, messages(s.logs, zapcore.WarnLevel))
}
