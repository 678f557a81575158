package io.ztna.proto.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/** Reads a {@link Duration} written as in {@link Durations#parse}; a bare number is invalid. */
final class DurationDeserializer extends StdScalarDeserializer<Duration> {

    DurationDeserializer() {
        super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser parser, DeserializationContext context)
            throws IOException {
        if (!parser.currentToken().isScalarValue()) {
            return (Duration) context.handleUnexpectedToken(Duration.class, parser);
        }
        return Durations.parse(parser.getText());
    }

    @Override
    public Duration getNullValue(DeserializationContext context) {
        return null;
    }

    @Override
    public boolean isCachable() {
        return true;
    }
}
