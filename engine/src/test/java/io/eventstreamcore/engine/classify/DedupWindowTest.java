package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A corrupt probe table can make a lookup loop forever: fail instead of hanging the build.
@Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DedupWindowTest {
  private static final long WINDOW = 1_000;

  @Test
  void anIdSeenAgainWithinTheWindowIsADuplicate() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);

    assertThat(dedup.checkAndRecord(42, 10_000)).isFalse();
    assertThat(dedup.checkAndRecord(42, 10_000)).isTrue();
    assertThat(dedup.checkAndRecord(42, 10_000 + WINDOW - 1)).isTrue();
    assertThat(dedup.checkAndRecord(43, 10_500)).isFalse();
    assertThat(dedup.size()).isEqualTo(2);
  }

  @Test
  void aDuplicateDoesNotRestartTheWindow() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);

    dedup.checkAndRecord(7, 0);
    assertThat(dedup.checkAndRecord(7, 900)).isTrue();
    // The window runs from the first sight, not from the duplicate at 900.
    assertThat(dedup.checkAndRecord(7, WINDOW)).isFalse();
  }

  @Test
  void anIdIsRememberedForAtLeastTheWindowAndLessThanOneAndAHalf() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);
    dedup.checkAndRecord(1, 5_000);
    dedup.checkAndRecord(2, 5_400); // same generation: it takes ids for half a window
    dedup.checkAndRecord(3, 5_500); // a new one

    // 1 is kept as long as the newest id of its generation, 2, is within the window.
    assertThat(dedup.checkAndRecord(1, 5_000 + WINDOW)).isTrue();
    assertThat(dedup.checkAndRecord(1, 5_400 + WINDOW - 1)).isTrue();
    assertThat(dedup.checkAndRecord(1, 5_400 + WINDOW)).isFalse();
    assertThat(dedup.checkAndRecord(2, 5_400 + WINDOW)).isFalse();
    assertThat(dedup.checkAndRecord(3, 5_400 + WINDOW)).isTrue();
    assertThat(dedup.checkAndRecord(3, 5_500 + WINDOW)).isFalse();
    assertThat(dedup.evictedEarly()).isZero();
  }

  @Test
  void expiryEmptiesTheWindow() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);
    for (long id = 1; id <= 10; id++) {
      dedup.checkAndRecord(id, id);
    }
    assertThat(dedup.size()).isEqualTo(10);

    assertThat(dedup.checkAndRecord(100, 10 + WINDOW)).isFalse();

    assertThat(dedup.size()).isEqualTo(1);
    for (long id = 1; id <= 10; id++) {
      assertThat(dedup.checkAndRecord(id, 10 + WINDOW)).as("id %d", id).isFalse();
    }
  }

  @Test
  void whenFullTheOldestGenerationIsForgottenEarlyAndCounted() {
    // Generations of two ids: three of them hold six.
    DedupWindow dedup = new DedupWindow(WINDOW, 4);
    for (long id = 1; id <= 6; id++) {
      assertThat(dedup.checkAndRecord(id, id)).isFalse();
    }
    assertThat(dedup.size()).isEqualTo(6);
    assertThat(dedup.evictedEarly()).isZero();

    assertThat(dedup.checkAndRecord(7, 7)).isFalse();

    // 1 and 2, still within the window, made room for 7.
    assertThat(dedup.evictedEarly()).isEqualTo(2);
    assertThat(dedup.size()).isEqualTo(5);
    for (long id = 3; id <= 7; id++) {
      assertThat(dedup.checkAndRecord(id, 8)).as("id %d", id).isTrue();
    }
    // 1, forgotten within its window, is new again and fills the newest generation; the next id
    // takes the place of 3 and 4.
    assertThat(dedup.checkAndRecord(1, 8)).isFalse();
    assertThat(dedup.checkAndRecord(8, 9)).isFalse();
    assertThat(dedup.evictedEarly()).isEqualTo(4);
    assertThat(dedup.checkAndRecord(3, 10)).isFalse();
    assertThat(dedup.checkAndRecord(5, 10)).isTrue();
  }

  @Test
  void aGenerationAWindowOldIsReusedWithoutCountingItsIdsAsForgottenEarly() {
    DedupWindow dedup = new DedupWindow(WINDOW, 4);
    dedup.checkAndRecord(1, 0);
    dedup.checkAndRecord(2, 0);
    dedup.checkAndRecord(3, 600);
    dedup.checkAndRecord(4, 600);
    dedup.checkAndRecord(5, WINDOW);
    dedup.checkAndRecord(6, WINDOW);

    // The newest generation is full: the next id goes into the one that held 1 and 2.
    assertThat(dedup.checkAndRecord(7, WINDOW + 1)).isFalse();

    assertThat(dedup.evictedEarly()).isZero();
    assertThat(dedup.size()).isEqualTo(5);
    assertThat(dedup.checkAndRecord(1, WINDOW + 1)).isFalse();
    assertThat(dedup.checkAndRecord(3, WINDOW + 1)).isTrue();
  }

  @Test
  void idZeroMeansNoIdAndIsNeverADuplicate() {
    DedupWindow dedup = new DedupWindow(WINDOW, 4);

    assertThat(dedup.checkAndRecord(0, 1)).isFalse();
    assertThat(dedup.checkAndRecord(0, 1)).isFalse();
    assertThat(dedup.checkAndRecord(0, 2)).isFalse();

    assertThat(dedup.size()).isZero();
  }

  @Test
  void negativeAndExtremeIdsAreOrdinaryKeys() {
    DedupWindow dedup = new DedupWindow(WINDOW, 8);
    long[] ids = {-1, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 63 | 1};
    for (long id : ids) {
      assertThat(dedup.checkAndRecord(id, 0)).isFalse();
    }
    for (long id : ids) {
      assertThat(dedup.checkAndRecord(id, 1)).as("id %d", id).isTrue();
    }
  }

  @Test
  void preloadedIdsAreDuplicatesUntilTheirWindowEnds() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);

    assertThat(dedup.preload(1, 5_000)).isTrue();
    assertThat(dedup.preload(2, 5_600)).isTrue();
    assertThat(dedup.preload(0, 5_700)).isFalse();

    assertThat(dedup.size()).isEqualTo(2);
    assertThat(dedup.checkAndRecord(1, 5_999)).isTrue();
    // The window runs from the stored received time, not from the preload.
    assertThat(dedup.checkAndRecord(1, 5_000 + WINDOW)).isFalse();
    assertThat(dedup.checkAndRecord(2, 5_000 + WINDOW)).isTrue();
  }

  @Test
  void aRepeatedPreloadKeepsTheFirstTime() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);

    assertThat(dedup.preload(7, 100)).isTrue();
    assertThat(dedup.preload(7, 900)).isFalse();

    assertThat(dedup.size()).isEqualTo(1);
    assertThat(dedup.checkAndRecord(7, 100 + WINDOW)).isFalse();
  }

  @Test
  void preloadingMoreThanMaxKeysKeepsTheNewestWithoutCountingEarlyEvictions() {
    DedupWindow dedup = new DedupWindow(WINDOW, 4);
    for (long id = 1; id <= 10; id++) {
      dedup.preload(id, id);
    }

    // Three generations of two: 5..10.
    assertThat(dedup.size()).isEqualTo(6);
    assertThat(dedup.evictedEarly()).isZero();
    for (long id = 5; id <= 10; id++) {
      assertThat(dedup.checkAndRecord(id, 20)).as("id %d", id).isTrue();
    }
    assertThat(dedup.checkAndRecord(4, 20)).isFalse();
  }

  @Test
  void aProducersCounterFillsEveryGenerationToItsCapacity() {
    // A million keys: generations of 500,000, each taking the counter's blocks of eight ids.
    assertAMillionKeyWindowHoldsAll(LongStream.rangeClosed(1, 1_500_000).toArray(), 3);
  }

  @Test
  void unrelatedIdsFillEveryGenerationToItsCapacity() {
    long[] ids =
        new SplittableRandom(4).longs(1_500_000).filter(id -> id != 0).distinct().toArray();
    assertAMillionKeyWindowHoldsAll(ids, 4);
  }

  /** Records {@code ids}, all new and non-zero, then requires every one to be remembered. */
  private static void assertAMillionKeyWindowHoldsAll(long[] ids, long seed) {
    DedupWindow dedup = new DedupWindow(WINDOW, 1_000_000, seed);
    for (long id : ids) {
      if (dedup.checkAndRecord(id, 1_000)) {
        fail("new id %d taken for a duplicate", id);
      }
    }

    assertThat(dedup.size()).isEqualTo(ids.length);
    assertThat(dedup.evictedEarly()).isZero();
    for (long id : ids) {
      if (!dedup.checkAndRecord(id, 1_001)) {
        fail("id %d forgotten", id);
      }
    }
  }

  @Test
  void rejectsBadBounds() {
    assertThatThrownBy(() -> new DedupWindow(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DedupWindow(WINDOW, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DedupWindow(WINDOW, DedupWindow.MAX_KEYS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void agreesWithAReferenceModelOverManyOperations() {
    // Small tables and a small id domain: long probe runs, frequent hits, and many rotations, by
    // size and by time.
    int[] maxKeysChoices = {1, 2, 3, 7, 16, 37, 64};
    Random random = new Random(0x5eed_d0d0L);
    for (int maxKeys : maxKeysChoices) {
      runAgainstModel(maxKeys, 3 * maxKeys + 5, 40_000, random);
    }
  }

  @Test
  void agreesWithAReferenceModelWithTablesSizedByLoadFactor() {
    // Beyond the small windows' sizing: tables that are not a power of two.
    Random random = new Random(0x10ad_fac7L);
    for (int maxKeys : new int[] {4_097, 5_000, 10_001}) {
      runAgainstModel(maxKeys, 3 * maxKeys, 100_000, random);
    }
  }

  @Test
  void agreesWithAReferenceModelOnAWideIdSpace() {
    Random random = new Random(20_240_601L);
    runAgainstModel(500, Integer.MAX_VALUE, 100_000, random);
  }

  @Test
  void agreesWithAReferenceModelWhenHundredsOfIdsShareOneHome() {
    agreesWithAReferenceModelWhenHundredsOfIdsShare(dedup -> 0);
  }

  @Test
  void agreesWithAReferenceModelWhenHundredsOfIdsShareTheLastHomeAndProbesWrapAround() {
    agreesWithAReferenceModelWhenHundredsOfIdsShare(dedup -> dedup.slotsPerLane() * 8 - 1);
  }

  private static void agreesWithAReferenceModelWhenHundredsOfIdsShare(
      ToIntFunction<DedupWindow> homeOf) {
    long seed = 7;
    int maxKeys = 512;
    DedupWindow dedup = new DedupWindow(1_000_000, maxKeys, seed);
    int home = homeOf.applyAsInt(dedup);
    List<Long> colliding = new ArrayList<>();
    for (long id = 1; colliding.size() < 400; id++) {
      if (home(dedup, id, seed) == home) {
        colliding.add(id);
      }
    }
    ReferenceWindow model = new ReferenceWindow(1_000_000, maxKeys);
    Random random = new Random(7);
    for (int op = 0; op < 20_000; op++) {
      long id =
          random.nextInt(3) == 0
              ? random.nextInt(1 << 20) + 1
              : colliding.get(random.nextInt(colliding.size()));
      assertThat(dedup.checkAndRecord(id, 1_000))
          .as("op %d id %d", op, id)
          .isEqualTo(model.checkAndRecord(id, 1_000));
    }
    assertThat(dedup.evictedEarly()).isEqualTo(model.evictedEarly);
    for (long id : model.held()) {
      assertThat(dedup.checkAndRecord(id, 1_000)).as("held id %d", id).isTrue();
    }
  }

  @Test
  void idsThatFillOneLaneOfTheTableRotateTheGenerationAndProbesStillEnd() {
    long seed = 9;
    DedupWindow dedup = new DedupWindow(1_000_000, 8192, seed); // generations of 4,096 ids
    int full = dedup.slotsPerLane() - 1; // one slot of a lane stays free
    assertThat(full).isLessThan(4096);
    List<Long> oneLane = new ArrayList<>();
    for (long id = 1; oneLane.size() < 3 * full + 1; id++) {
      if (lane(dedup, id, seed) == 0) {
        oneLane.add(id);
      }
    }

    // Each generation takes a lane's worth of these ids.
    for (long id : oneLane.subList(0, 3 * full)) {
      assertThat(dedup.checkAndRecord(id, 1_000)).isFalse();
    }
    assertThat(dedup.size()).isEqualTo(3 * full);
    assertThat(dedup.evictedEarly()).isZero();
    assertThat(dedup.checkAndRecord(oneLane.get(0), 1_001)).isTrue();

    assertThat(dedup.checkAndRecord(oneLane.get(3 * full), 1_001)).isFalse();

    assertThat(dedup.evictedEarly()).isEqualTo(full);
    assertThat(dedup.size()).isEqualTo(2 * full + 1);
    assertThat(dedup.checkAndRecord(oneLane.get(full), 1_002)).isTrue();
    assertThat(dedup.checkAndRecord(oneLane.get(3 * full), 1_002)).isTrue();
    long other = 1;
    while (lane(dedup, other, seed) == 0) {
      other++;
    }
    assertThat(dedup.checkAndRecord(other, 1_002)).isFalse();
    assertThat(dedup.checkAndRecord(other, 1_003)).isTrue();
  }

  @Test
  void aProbePastTheLastLineWrapsWithinItsLane() {
    long seed = 13;
    DedupWindow dedup = new DedupWindow(1_000_000, 8192, seed);
    int full = dedup.slotsPerLane() - 1;
    int lastHome = dedup.slotsPerLane() * 8 - 1; // lane 7 of the last line
    List<Long> laneZero = new ArrayList<>();
    List<Long> atLastHome = new ArrayList<>();
    for (long id = 1; laneZero.size() < full || atLastHome.size() < 3; id++) {
      int home = home(dedup, id, seed);
      if (home % 8 == 0 && laneZero.size() < full) {
        laneZero.add(id);
      } else if (home == lastHome && atLastHome.size() < 3) {
        atLastHome.add(id);
      }
    }
    // Lane 0 as full as it gets; then ids that probe past the end of lane 7, which must go on in
    // lane 7 from the first line (in lane 0 they would find no free slot, or take its last one).
    for (long id : laneZero) {
      assertThat(dedup.checkAndRecord(id, 1_000)).isFalse();
    }
    for (long id : atLastHome) {
      assertThat(dedup.checkAndRecord(id, 1_000)).as("new id %d", id).isFalse();
    }
    for (long id : atLastHome) {
      assertThat(dedup.checkAndRecord(id, 1_001)).as("seen id %d", id).isTrue();
    }
    assertThat(dedup.evictedEarly()).isZero();
    assertThat(dedup.size()).isEqualTo(full + 3);
    for (long id : laneZero) {
      assertThat(dedup.checkAndRecord(id, 1_001)).as("lane 0 id %d", id).isTrue();
    }
  }

  @Test
  void idsWithTheSameHomeAndFingerprintAreToldApartByTheirIds() {
    long seed = 11;
    DedupWindow dedup = new DedupWindow(1_000_000, 16, seed);
    long first = 1;
    long h = DedupWindow.mix(first, seed);
    int home = dedup.home(first, h);
    byte fingerprint = DedupWindow.fingerprint(h);
    List<Long> alike = new ArrayList<>(List.of(first));
    for (long id = first + 1; alike.size() < 4; id++) {
      long m = DedupWindow.mix(id, seed);
      if (dedup.home(id, m) == home && DedupWindow.fingerprint(m) == fingerprint) {
        alike.add(id);
      }
    }

    for (long id : alike) {
      assertThat(dedup.checkAndRecord(id, 1_000)).as("new id %d", id).isFalse();
    }
    for (long id : alike) {
      assertThat(dedup.checkAndRecord(id, 1_001)).as("seen id %d", id).isTrue();
    }
    assertThat(dedup.size()).isEqualTo(alike.size());
  }

  private static int home(DedupWindow dedup, long id, long seed) {
    return dedup.home(id, DedupWindow.mix(id, seed));
  }

  private static int lane(DedupWindow dedup, long id, long seed) {
    return home(dedup, id, seed) & 7;
  }

  private static void runAgainstModel(int maxKeys, int idDomain, int operations, Random random) {
    long window = 50;
    DedupWindow dedup = new DedupWindow(window, maxKeys, random.nextLong());
    ReferenceWindow model = new ReferenceWindow(window, maxKeys);
    Map<Long, Long> lastRecorded = new HashMap<>();
    long now = 1_000;
    for (int op = 0; op < operations; op++) {
      // Mostly small steps, sometimes none, sometimes a jump past the whole window.
      int step = random.nextInt(100);
      if (step < 70) {
        now += random.nextInt(3);
      } else if (step < 98) {
        now += random.nextInt(20);
      } else {
        now += window + random.nextInt(10);
      }
      long id = randomId(random, idDomain);
      boolean expected = model.checkAndRecord(id, now);
      boolean actual = dedup.checkAndRecord(id, now);
      String what = String.format("op %d: maxKeys=%d id=%d now=%d", op, maxKeys, id, now);
      assertThat(actual).as(what).isEqualTo(expected);
      assertThat(dedup.size()).as("size after " + what).isEqualTo(model.size());
      // The promise, whatever the model: a duplicate was recorded less than one and a half
      // windows ago; an id recorded within the window is a duplicate unless ids were forgotten.
      Long recorded = lastRecorded.get(id);
      if (actual) {
        assertThat(recorded).as(what).isNotNull();
        assertThat(now - recorded).as(what).isLessThan(window + (window + 1) / 2);
      } else if (recorded != null && now - recorded < window && id != 0) {
        assertThat(dedup.evictedEarly()).as(what).isPositive();
      }
      if (!actual) {
        lastRecorded.put(id, now);
      }
    }
    assertThat(dedup.evictedEarly()).isEqualTo(model.evictedEarly);
    // Every id the model still holds must be found.
    for (long id : model.held()) {
      assertThat(dedup.checkAndRecord(id, now)).as("held id %d", id).isTrue();
    }
  }

  private static long randomId(Random random, int idDomain) {
    int pick = random.nextInt(50);
    if (pick == 0) {
      return 0;
    }
    long id = 1 + random.nextInt(idDomain);
    // Some negative ids too: the table must not treat sign specially.
    return pick == 1 ? -id : id;
  }

  /** The rules, written the plain way: three generations of sets. */
  private static final class ReferenceWindow {
    private final long window;
    private final long rotate;
    private final int capacity;
    private final List<Set<Long>> generations =
        List.of(new HashSet<>(), new HashSet<>(), new HashSet<>());
    private final long[] first = new long[3];
    private final long[] last = new long[3];
    private int current;
    private long evictedEarly;

    ReferenceWindow(long window, int maxKeys) {
      this.window = window;
      this.rotate = (window + 1) / 2;
      this.capacity = (maxKeys + 1) / 2;
    }

    boolean checkAndRecord(long id, long now) {
      if (id == 0) {
        return false;
      }
      for (int g = 0; g < 3; g++) {
        if (last[g] <= now - window) {
          generations.get(g).clear();
        }
      }
      for (Set<Long> generation : generations) {
        if (generation.contains(id)) {
          return true;
        }
      }
      Set<Long> newest = generations.get(current);
      if (newest.size() == capacity || !newest.isEmpty() && now - first[current] >= rotate) {
        current = (current + 1) % 3;
        newest = generations.get(current);
        evictedEarly += newest.size();
        newest.clear();
      }
      if (newest.isEmpty()) {
        first[current] = now;
        last[current] = now;
      }
      newest.add(id);
      last[current] = Math.max(last[current], now);
      return false;
    }

    int size() {
      return generations.stream().mapToInt(Set::size).sum();
    }

    List<Long> held() {
      return generations.stream().flatMap(Set::stream).toList();
    }
  }
}
