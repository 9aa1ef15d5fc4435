package io.eventstreamcore.processors.realtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The glob matcher, held to a regular-expression translation of the same pattern. */
class TopicGlobTest {
  private static final String SMILE = "\uD83D\uDE00"; // one code point, two chars

  /** The reference: each glob token as a regular expression, matched with the JDK's engine. */
  private static boolean reference(List<String> tokens, String topic) {
    StringBuilder regex = new StringBuilder();
    for (String token : tokens) {
      switch (token) {
        case "*":
          regex.append(".*");
          break;
        case "?":
          regex.append('.');
          break;
        default:
          regex.append(Pattern.quote(token.startsWith("\\") ? token.substring(1) : token));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL).matcher(topic).matches();
  }

  @Provide
  Arbitrary<List<String>> patterns() {
    return Arbitraries.of("a", "b", "/", "é", SMILE, "*", "?", "\\*", "\\?", "\\\\", "\\[")
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  @Provide
  Arbitrary<String> topics() {
    return Arbitraries.of("a", "b", "/", "é", SMILE, "*", "?", "\\", "[")
        .list()
        .ofMaxSize(10)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 3000)
  void matchesExactlyWhenTheRegularExpressionDoes(
      @ForAll("patterns") List<String> tokens, @ForAll("topics") String topic) {
    TopicGlob glob = TopicGlob.compile(String.join("", tokens));

    assertThat(glob.matches(topic)).isEqualTo(reference(tokens, topic));
  }

  @Property(tries = 1000)
  void aTopicMatchesItselfWithCharactersAndRunsReplacedByWildcards(
      @ForAll("topics") String topic, @ForAll long seed) {
    java.util.Random random = new java.util.Random(seed);
    StringBuilder glob = new StringBuilder();
    for (int i = 0; i < topic.length(); ) {
      int c = topic.codePointAt(i);
      int next = i + Character.charCount(c);
      int choice = random.nextInt(4);
      if (choice == 0) {
        glob.append('?');
      } else if (choice == 1) {
        glob.append('*');
        next = Math.min(topic.length(), next + random.nextInt(3));
        if (next < topic.length() && Character.isLowSurrogate(topic.charAt(next))) {
          next++;
        }
      } else {
        if ("*?\\[]{}".indexOf(c) >= 0) {
          glob.append('\\');
        }
        glob.appendCodePoint(c);
      }
      i = next;
    }
    glob.append(topic.isEmpty() ? "*" : "");

    assertThat(TopicGlob.compile(glob.toString()).matches(topic)).as(glob.toString()).isTrue();
  }

  @Test
  void theUsualPatterns() {
    assertThat(TopicGlob.compile("sensor/*").matches("sensor/temperature")).isTrue();
    assertThat(TopicGlob.compile("sensor/*").matches("sensor/a/b")).isTrue();
    assertThat(TopicGlob.compile("sensor/*").matches("sensor")).isFalse();
    assertThat(TopicGlob.compile("*/temperature").matches("room/temperature")).isTrue();
    assertThat(TopicGlob.compile("*/temperature").matches("room/temperatures")).isFalse();
    assertThat(TopicGlob.compile("sensor/?").matches("sensor/1")).isTrue();
    assertThat(TopicGlob.compile("sensor/?").matches("sensor/12")).isFalse();
    assertThat(TopicGlob.compile("sensor/?").matches("sensor/" + SMILE)).isTrue();
    assertThat(TopicGlob.compile("a\\*").matches("a*")).isTrue();
    assertThat(TopicGlob.compile("a\\*").matches("ab")).isFalse();
    assertThat(TopicGlob.compile("*").matchesEverything()).isTrue();
    assertThat(TopicGlob.compile("**").matchesEverything()).isTrue();
    assertThat(TopicGlob.compile("*a").matchesEverything()).isFalse();
    assertThat(TopicGlob.compile("*").matches("")).isTrue();
  }

  @Test
  void badPatternsAreRejectedWithAReason() {
    assertThatThrownBy(() -> TopicGlob.compile("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> TopicGlob.compile("a\\")).hasMessageContaining("lone");
    assertThatThrownBy(() -> TopicGlob.compile("a\\b")).hasMessageContaining("escapes only");
    assertThatThrownBy(() -> TopicGlob.compile("sensor/[12]"))
        .hasMessageContaining("not supported");
    assertThatThrownBy(() -> TopicGlob.compile("sensor/{a,b}"))
        .hasMessageContaining("not supported");
  }
}
