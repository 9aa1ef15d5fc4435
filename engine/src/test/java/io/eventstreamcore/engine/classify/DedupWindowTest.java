package io.eventstreamcore.engine.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Iterator;
import java.util.LinkedHashMap;
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
