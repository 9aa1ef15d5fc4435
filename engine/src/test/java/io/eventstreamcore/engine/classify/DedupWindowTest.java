package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
  void anIdIsForgottenOnceTheWindowHasPassed() {
    DedupWindow dedup = new DedupWindow(WINDOW, 16);
    dedup.checkAndRecord(1, 5_000);
    dedup.checkAndRecord(2, 5_400);

    // At exactly first-seen + window the id has left the window.
    assertThat(dedup.checkAndRecord(1, 5_000 + WINDOW)).isFalse();
    assertThat(dedup.checkAndRecord(2, 5_000 + WINDOW)).isTrue();
    assertThat(dedup.checkAndRecord(2, 5_400 + WINDOW)).isFalse();
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
  void whenFullTheOldestIdIsForgottenEarlyAndCounted() {
    DedupWindow dedup = new DedupWindow(WINDOW, 3);
    dedup.checkAndRecord(1, 0);
    dedup.checkAndRecord(2, 1);
    dedup.checkAndRecord(3, 2);

    assertThat(dedup.checkAndRecord(4, 3)).isFalse();

    assertThat(dedup.evictedEarly()).isEqualTo(1);
    assertThat(dedup.size()).isEqualTo(3);
    assertThat(dedup.checkAndRecord(2, 4)).isTrue();
    assertThat(dedup.checkAndRecord(3, 4)).isTrue();
    assertThat(dedup.checkAndRecord(4, 4)).isTrue();
    // 1 was forgotten within its window: seen again, it is new (and pushes out 2).
    assertThat(dedup.checkAndRecord(1, 5)).isFalse();
    assertThat(dedup.evictedEarly()).isEqualTo(2);
    assertThat(dedup.checkAndRecord(2, 6)).isFalse();
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
    assertThat(dedup.preload(2, 5_400)).isTrue();
    assertThat(dedup.preload(0, 5_500)).isFalse();

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
    DedupWindow dedup = new DedupWindow(WINDOW, 3);
    for (long id = 1; id <= 10; id++) {
      dedup.preload(id, id);
    }

    assertThat(dedup.size()).isEqualTo(3);
    assertThat(dedup.evictedEarly()).isZero();
    for (long id = 8; id <= 10; id++) {
      assertThat(dedup.checkAndRecord(id, 20)).as("id %d", id).isTrue();
    }
    assertThat(dedup.checkAndRecord(7, 20)).isFalse();
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
    // Small tables and a small id domain: long probe runs, frequent hits, and many deletions
    // (expiry and early eviction) from the middle of probe runs, which backward-shift must keep
    // reachable.
    int[] maxKeysChoices = {1, 2, 3, 7, 16, 37, 64};
    Random random = new Random(0x5eed_d0d0L);
    for (int maxKeys : maxKeysChoices) {
      runAgainstModel(maxKeys, 3 * maxKeys + 5, 40_000, random);
    }
  }

  @Test
  void agreesWithAReferenceModelOnAWideIdSpace() {
    Random random = new Random(20_240_601L);
    runAgainstModel(500, Integer.MAX_VALUE, 100_000, random);
  }

  @Test
  void aKeyFurtherFromHomeThanTheDistanceByteHoldsIsStillShiftedBackIntoAHole() {
    // Lane 0 of a 16,384-slot table, positions in steps of 8 slots: A at its home 0, one key at
    // its own home at each of positions 1..300, then C, also homed at 0, lands at 301, further
    // than the 255 steps the distance byte holds. A expires: C must move back into position 0,
    // past 300 keys that may not, or it can no longer be found.
    long seed = 42;
    int tableMask = 16_383; // 1,024 keys: a small window's table, 16 slots per key
    DedupWindow dedup = new DedupWindow(1_000, 1_024, seed);
    long a = idHomedAt(0, seed, tableMask, 0);
    long c = idHomedAt(0, seed, tableMask, a);
    assertThat(dedup.checkAndRecord(a, 1_000)).isFalse();
    for (int step = 1; step <= 300; step++) {
      assertThat(dedup.checkAndRecord(idHomedAt(step * 8, seed, tableMask, 0), 1_500)).isFalse();
    }
    assertThat(dedup.checkAndRecord(c, 1_500)).isFalse();

    assertThat(dedup.checkAndRecord(c, 2_000)).as("C after A expired").isTrue();
    assertThat(dedup.size()).isEqualTo(301);
  }

  @Test
  void agreesWithAReferenceModelWhenHundredsOfIdsShareOneHome() {
    long seed = 7;
    int maxKeys = 512;
    int tableMask = 8_191; // a small window's table: 16 slots per key
    List<Long> colliding = new ArrayList<>();
    for (long id = 1; colliding.size() < 400; id++) {
      if ((DedupWindow.hash(id, seed) & tableMask) == 0) {
        colliding.add(id);
      }
    }
    DedupWindow dedup = new DedupWindow(1_000_000, maxKeys, seed);
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
    for (Long id : model.firstSeen.keySet().toArray(new Long[0])) {
      assertThat(dedup.checkAndRecord(id, 1_000)).as("held id %d", id).isTrue();
    }
  }

  @Test
  void idsThatFillOneLaneOfTheTableAreNotRememberedButCountedAndProbesStillEnd() {
    long seed = 9;
    int maxKeys = 8192; // 16,384 slots: eight lanes of 2,048
    List<Long> oneLane = new ArrayList<>();
    for (long id = 1; oneLane.size() < 2_100; id++) {
      if ((DedupWindow.hash(id, seed) & 7) == 0) {
        oneLane.add(id);
      }
    }
    DedupWindow dedup = new DedupWindow(1_000_000, maxKeys, seed);

    for (long id : oneLane) {
      assertThat(dedup.checkAndRecord(id, 1_000)).isFalse();
    }

    // One slot of the lane stays free: 2,047 remembered, the other 53 not, and counted.
    assertThat(dedup.size()).isEqualTo(2_047);
    assertThat(dedup.evictedEarly()).isEqualTo(53);
    assertThat(dedup.checkAndRecord(oneLane.get(0), 1_001)).isTrue();
    assertThat(dedup.checkAndRecord(oneLane.get(2_046), 1_001)).isTrue();
    assertThat(dedup.checkAndRecord(oneLane.get(2_099), 1_001)).isFalse();
    long other = 1;
    while ((DedupWindow.hash(other, seed) & 7) == 0) {
      other++;
    }
    assertThat(dedup.checkAndRecord(other, 1_001)).isFalse();
    assertThat(dedup.checkAndRecord(other, 1_002)).isTrue();
  }

  /** The first id above {@code after} whose home slot is {@code slot}. */
  private static long idHomedAt(int slot, long seed, int tableMask, long after) {
    long id = after + 1;
    while ((DedupWindow.hash(id, seed) & tableMask) != slot) {
      id++;
    }
    return id;
  }

  private static void runAgainstModel(int maxKeys, int idDomain, int operations, Random random) {
    long window = 50;
    DedupWindow dedup = new DedupWindow(window, maxKeys);
    ReferenceWindow model = new ReferenceWindow(window, maxKeys);
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
      assertThat(actual)
          .as("op %d: maxKeys=%d id=%d now=%d", op, maxKeys, id, now)
          .isEqualTo(expected);
      assertThat(dedup.size())
          .as("size after op %d, maxKeys=%d", op, maxKeys)
          .isEqualTo(model.size());
    }
    assertThat(dedup.evictedEarly()).isEqualTo(model.evictedEarly);
    // Every id the model still holds must be found, every other one must not.
    for (Long id : model.firstSeen.keySet().toArray(new Long[0])) {
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

  /** The specification, written the plain way. */
  private static final class ReferenceWindow {
    private final long window;
    private final int maxKeys;
    private final LinkedHashMap<Long, Long> firstSeen = new LinkedHashMap<>();
    private long evictedEarly;

    ReferenceWindow(long window, int maxKeys) {
      this.window = window;
      this.maxKeys = maxKeys;
    }

    boolean checkAndRecord(long id, long now) {
      if (id == 0) {
        return false;
      }
      Iterator<Map.Entry<Long, Long>> oldest = firstSeen.entrySet().iterator();
      while (oldest.hasNext()) {
        if (now - oldest.next().getValue() >= window) {
          oldest.remove();
        } else {
          break;
        }
      }
      if (firstSeen.containsKey(id)) {
        return true;
      }
      if (firstSeen.size() == maxKeys) {
        Iterator<Long> it = firstSeen.keySet().iterator();
        it.next();
        it.remove();
        evictedEarly++;
      }
      firstSeen.put(id, now);
      return false;
    }

    int size() {
      return firstSeen.size();
    }
  }
}
