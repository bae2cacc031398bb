package edx.testbed;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints of the metrics bed (issue 26): faults whose trace shows only a
 * timeout or nothing, while the agent's metrics show the cause. A pool of
 * two held by slow requests, a request that waits 300 ms for a worker using
 * that pool, and a heap filled close to -Xmx.
 */
@RestController
public class MetricsController {
  private final JdbcTemplate busy;
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  // Kept reachable on purpose: the heap the JVM cannot collect.
  private static final List<byte[]> ballast = new ArrayList<>();

  public MetricsController(@Qualifier("busyPool") DataSource busyPool) {
    this.busy = new JdbcTemplate(busyPool);
  }

  /** A slow report: holds a connection of the pool for ms milliseconds. */
  @GetMapping("/busy/report")
  Integer busyReport(@RequestParam long ms) {
    return busy.queryForObject("SELECT 1 FROM pg_sleep(?)", Integer.class, ms / 1000.0);
  }

  /**
   * Stock, looked up by a worker the request waits at most 300 ms for: while
   * the pool is held the request fails with the deadline's TimeoutException,
   * which says nothing of the pool.
   */
  @GetMapping("/busy/stock")
  Integer busyStock() throws Exception {
    Future<Integer> f = workers.submit(() -> busy.queryForObject("SELECT 1", Integer.class));
    try {
      return f.get(300, TimeUnit.MILLISECONDS);
    } finally {
      f.cancel(true);
    }
  }

  /**
   * Fills the heap with reachable arrays until the heap pools use percent of
   * their limits (the pools that report one: G1's old generation holds
   * -Xmx), as jvm.memory.used and jvm.memory.limit report them.
   */
  @PostMapping("/heap/fill")
  synchronized String fill(@RequestParam double percent) {
    System.gc();
    long used = heap(false), limit = heap(true), target = (long) (limit * percent / 100);
    // Small arrays: G1 packs them into its regions without the waste of
    // arrays near a region's size.
    int chunk = 16 << 10;
    while (used < target) {
      for (long n = Math.max(1, (target - used) / chunk); n > 0; n--) {
        ballast.add(new byte[chunk]);
      }
      System.gc();
      used = heap(false);
    }
    return "heap used " + used + " of " + limit;
  }

  @PostMapping("/heap/free")
  synchronized String free() {
    ballast.clear();
    System.gc();
    return "heap used " + heap(false) + " of " + heap(true);
  }

  private static long heap(boolean limit) {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        long v = limit ? p.getUsage().getMax() : p.getUsage().getUsed();
        if (v > 0) {
          sum += v;
        }
      }
    }
    return sum;
  }
}
