package io.ztna.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP CONNECT handler on an {@link EmbeddedChannel}: request parsing and the responses
 * that need no tunnel. Steering records each destination and refuses it.
 */
class HttpConnectHandlerTest {

    private final List<String> steered = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestDecoder(),
            new HttpResponseEncoder(), new HttpConnectHandler(
                    flow -> {
                        throw new AssertionError("no flow is opened in these tests");
                    },
                    (host, port) -> {
                        steered.add(host + " " + port);
                        return Steering.Decision.REJECT;
                    },
                    CaptureTimeouts.defaults()));

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    private String exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        ByteBuf written;
        while ((written = channel.readOutbound()) != null) {
            out.append(written.toString(StandardCharsets.UTF_8));
            written.release();
        }
        return out.toString();
    }

    @Test
    void ipv6LiteralTargetSteeredAsAddress() {
        String response = exchange("CONNECT [2001:db8::1]:443 HTTP/1.1\r\n"
                + "Host: [2001:db8::1]:443\r\n\r\n");

        assertThat(steered).containsExactly("2001:db8::1 443");
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n");
        assertThat(response).endsWith("\r\n\r\n403 Forbidden: no app covers [2001:db8::1]:443\n");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void ipv6AbsoluteFormSteeredAsAddress() {
        exchange("CONNECT https://[::1]/ HTTP/1.1\r\n\r\n");

        assertThat(steered).containsExactly("::1 443");
    }

    @Test
    void unbracketedIpv6TargetGetsBadRequest() {
        String response = exchange("CONNECT 2001:db8::1:443 HTTP/1.1\r\n\r\n");

        assertThat(steered).isEmpty();
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n");
        assertThat(response).contains("content-length: ");
        assertThat(response).endsWith("400 Bad Request: invalid CONNECT target "
                + "'2001:db8::1:443' (expected: " + ConnectTarget.EXPECTED + ")\n");
    }

    @Test
    void otherMethodGetsAllowConnect() {
        String response = exchange("POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");

        assertThat(steered).isEmpty();
        assertThat(response).startsWith("HTTP/1.1 405 Method Not Allowed\r\n");
        assertThat(response).contains("\r\nallow: CONNECT\r\n");
        assertThat(response).contains("\r\nconnection: close\r\n");
    }

    @Test
    void pipelinedBytesReleasedWhenRefused() {
        String response = exchange("CONNECT intranet.corp.internal:443 HTTP/1.1\r\n\r\n"
                + "\u0016\u0003\u0001 pipelined TLS bytes");

        assertThat(steered).containsExactly("intranet.corp.internal 443");
        assertThat(response).startsWith("HTTP/1.1 403 Forbidden\r\n");
        assertThat(channel.isOpen()).isFalse();
    }
}
