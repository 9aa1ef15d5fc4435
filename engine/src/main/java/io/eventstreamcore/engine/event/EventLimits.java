package io.eventstreamcore.engine.event;

/**
 * What every configured storage backend can hold of one event, as ingest checks each frame: a frame
 * whose topic or payload is beyond it is rejected on its own (ERROR 2 or 3, the connection goes
 * on), where storing it would fail on every retry and stall storage for good. The protocol's own
 * bounds are the widest.
 *
 * @param maxTopicBytes longest topic in UTF-8 bytes
 * @param nulInTopic whether a topic may contain U+0000
 * @param maxPayloadBytes largest payload in bytes
 */
public record EventLimits(int maxTopicBytes, boolean nulInTopic, int maxPayloadBytes) {
  /** What the protocol allows: topics of up to 65,535 bytes, any payload a frame can carry. */
  public static final EventLimits PROTOCOL = new EventLimits(65_535, true, Integer.MAX_VALUE);

  /** The limits of a backend that holds whatever the protocol allows but longer topics. */
  public static EventLimits topicsUpTo(int maxTopicBytes, boolean nulInTopic) {
    return new EventLimits(maxTopicBytes, nulInTopic, PROTOCOL.maxPayloadBytes);
  }

  /** What both this and {@code other} can hold. */
  public EventLimits and(EventLimits other) {
    return new EventLimits(
        Math.min(maxTopicBytes, other.maxTopicBytes),
        nulInTopic && other.nulInTopic,
        Math.min(maxPayloadBytes, other.maxPayloadBytes));
  }

  @Override
  public String toString() {
    return "topics up to "
        + maxTopicBytes
        + " bytes"
        + (nulInTopic ? "" : " without U+0000")
        + (maxPayloadBytes == PROTOCOL.maxPayloadBytes
            ? ""
            : ", payloads up to " + maxPayloadBytes + " bytes");
  }
}
