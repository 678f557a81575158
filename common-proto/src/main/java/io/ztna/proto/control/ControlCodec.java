package io.ztna.proto.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** Turns control messages into JSON and back. Thread-safe. */
public final class ControlCodec {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ControlCodec() {
    }

    public static String encode(ControlMessage message) {
        try {
            return MAPPER.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + message.getClass().getSimpleName(), e);
        }
    }

    /**
     * Parses a control message.
     *
     * @throws IllegalArgumentException naming what was wrong when the JSON is not a known message
     */
    public static ControlMessage decode(String json) {
        try {
            return MAPPER.readValue(json, ControlMessage.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid control message: " + e.getOriginalMessage());
        }
    }
}
