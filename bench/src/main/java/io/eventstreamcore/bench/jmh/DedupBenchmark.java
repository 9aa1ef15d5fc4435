package io.eventstreamcore.bench.jmh;

import io.eventstreamcore.engine.classify.DedupWindow;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Dedup checks per second: the primitive window against a {@code HashMap<Long, Long>} doing the
 * same bounded work (baseline). The table is kept full, forcing evictions. {@code ids}: {@code
 * sequential} as one producer issues them (a counter) with every 8th id a repeat of a recent one,
 * {@code dense} the counter alone (no repeats, as the load generator sends), {@code random} as
 * unrelated keys (each id of {@code sequential} mixed).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class DedupBenchmark {
  @Param({"1000000"})
  int maxKeys;

  @Param({"sequential", "dense", "random"})
  String ids;

  private DedupWindow window;
  private HashMap<Long, Long> baseline;
  private boolean random;
  private boolean dense;
  private long next;
  private long now;

  @Setup
  public void setUp() {
    window = new DedupWindow(TimeUnit.HOURS.toMillis(1), maxKeys);
    random = "random".equals(ids);
    dense = "dense".equals(ids);
    baseline = new HashMap<>();
  }

  /**
   * A fast window that forgets is no window: after the run, one that took more than twice {@code
   * maxKeys} ids must hold at least {@code maxKeys} (two full generations), or the figures are
   * void. The benchmark counts checks, not what is held, and so would not see it otherwise.
   */
  @TearDown
  public void checkCapacity() {
    int held = window.size();
    if (held > 0 && next > 2L * maxKeys && held < maxKeys) {
      throw new IllegalStateException(
          "the window holds " + held + " ids after " + next + ", fewer than max-keys " + maxKeys);
    }
  }

  /** Every 8th id repeats a recent one, unless dense. */
  private long nextId() {
    long n = ++next;
    if (dense) {
      return n;
    }
    long id = (n & 7) == 0 ? n - 5 : n;
    return random ? scramble(id) : id;
  }

  /** A bijection of the counter: distinct counters give distinct, unrelated-looking ids. */
  private static long scramble(long n) {
    long h = n * 0x9E3779B97F4A7C15L;
    return h ^ (h >>> 31);
  }

  @Benchmark
  public boolean dedupWindow() {
    now += (next & 1023) == 0 ? 1 : 0;
    return window.checkAndRecord(nextId(), now);
  }

  @Benchmark
  public boolean hashMapBaseline() {
    long id = nextId();
    boolean duplicate = baseline.putIfAbsent(id, now) != null;
    if (baseline.size() > maxKeys) {
      long oldest = next - maxKeys - 8;
      baseline.remove(random ? scramble(oldest) : oldest);
    }
    return duplicate;
  }
}
