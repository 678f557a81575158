package io.ztna.proto.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;

/** Reads a {@link HostAndPort}, accepting port 0 only in fields marked {@link PortZeroAllowed}. */
final class HostAndPortDeserializer extends StdScalarDeserializer<HostAndPort>
        implements ContextualDeserializer {

    private final boolean portZeroAllowed;

    HostAndPortDeserializer() {
        this(false);
    }

    private HostAndPortDeserializer(boolean portZeroAllowed) {
        super(HostAndPort.class);
        this.portZeroAllowed = portZeroAllowed;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext context,
            BeanProperty property) {
        boolean allowed = property != null
                && property.getAnnotation(PortZeroAllowed.class) != null;
        return allowed == portZeroAllowed ? this : new HostAndPortDeserializer(allowed);
    }

    @Override
    public HostAndPort deserialize(JsonParser parser, DeserializationContext context)
            throws IOException {
        if (!parser.currentToken().isScalarValue()) {
            return (HostAndPort) context.handleUnexpectedToken(HostAndPort.class, parser);
        }
        return HostAndPort.parse(parser.getText(), portZeroAllowed);
    }
}
