package io.ztna.proto.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.ztna.proto.testing.LeakCheck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@ExtendWith(LeakCheck.class)
class FrameCodecTest {

    private static final int MAX_FRAME_LENGTH = 16 * 1024;
    private static final FlowMetadata FULL_METADATA = new FlowMetadata(Protocol.UDP,
            "bücher.example", 5353, "flow-7", "älice@example.com", "laptop-1", "wiki",
            "publisher-2");

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void closeChannels() {
        for (EmbeddedChannel channel : channels) {
            channel.finishAndReleaseAll();
        }
    }

    // Round trips.

    static Stream<Frame> valueFrames() {
        List<Frame> frames = new ArrayList<>();
        frames.add(new OpenFrame(1, FlowMetadata.tcp("10.0.0.5", 443)));
        frames.add(new OpenFrame(0x7fff_ffff, FULL_METADATA));
        frames.add(new OpenFrame(3, FlowMetadata.tcp("2001:db8::1", 65535)));
        for (OpenResult result : OpenResult.values()) {
            frames.add(new OpenResultFrame(5, result, "reason of " + result));
        }
        frames.add(new OpenResultFrame(5, OpenResult.CONNECTED, ""));
        frames.add(new FinFrame(9));
        for (ErrorCode code : ErrorCode.values()) {
            frames.add(new ResetFrame(11, code, "reset: " + code + " ✓"));
        }
        frames.add(new ResetFrame(11, ErrorCode.CANCEL, ""));
        frames.add(new WindowUpdateFrame(0, 1));
        frames.add(new WindowUpdateFrame(13, Integer.MAX_VALUE));
        frames.add(new PingFrame(Long.MIN_VALUE, false));
        frames.add(new PingFrame(0x0123_4567_89ab_cdefL, true));
        frames.add(new GoAwayFrame(0x7fff_ffff, ErrorCode.NO_ERROR, "draining for upgrade"));
        frames.add(new GoAwayFrame(0, ErrorCode.KEEPALIVE_TIMEOUT, ""));
        frames.add(new HelloFrame(TunnelSettings.defaults()));
        frames.add(new HelloFrame(new TunnelSettings(TunnelSettings.PROTOCOL_VERSION,
                TunnelSettings.MAX_FRAME_LENGTH_LIMIT, 1, 1, false)));
        frames.add(new ControlFrame("{\"type\":\"presence\",\"name\":\"δ😀\"}", false));
        frames.add(new ControlFrame("{\"part\":1", true));
        frames.add(new ControlFrame("", false));
        return frames.stream();
    }

    @ParameterizedTest
    @MethodSource("valueFrames")
    void valueFrameRoundTrips(Frame frame) {
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(encode(frame)));

        Frame decoded = decoder.readInbound();
        assertThat(decoded).isEqualTo(frame);
        assertThat(decoded.type()).isEqualTo(frame.type());
        assertThat(decoded.streamId()).isEqualTo(frame.streamId());
        assertThat((Object) decoder.readInbound()).isNull();
    }

    @Test
    void dataFrameRoundTrips() {
        byte[] payload = randomBytes(MAX_FRAME_LENGTH, 1);
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(
                encode(new DataFrame(0x7fff_fffe, Unpooled.wrappedBuffer(payload)))));

        DataFrame decoded = decoder.readInbound();
        try {
            assertThat(decoded.streamId()).isEqualTo(0x7fff_fffe);
            assertThat(decoded.type()).isEqualTo(FrameType.DATA);
            assertThat(bytesOf(decoded.content())).isEqualTo(payload);
            assertThat(decoded.toString()).isEqualTo("Data(streamId=2147483646, length=16384)");
        } finally {
            decoded.release();
        }
    }

    @Test
    void emptyDataFrameRoundTrips() {
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(encode(new DataFrame(7, Unpooled.EMPTY_BUFFER))));

        DataFrame decoded = decoder.readInbound();
        assertThat(decoded.streamId()).isEqualTo(7);
        assertThat(decoded.content().readableBytes()).isZero();
        decoded.release();
    }

    @Test
    void encoderSendsDataPayloadUncopied() {
        EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        channels.add(encoder);
        ByteBuf payload = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});

        encoder.writeOutbound(new DataFrame(3, payload));

        ByteBuf header = encoder.readOutbound();
        ByteBuf body = encoder.readOutbound();
        assertThat(bytesOf(header)).containsExactly(0, 0, 3, 0, 0, 0, 0, 0, 3);
        assertThat(body).isSameAs(payload);
        assertThat(payload.refCnt()).isEqualTo(1);
        header.release();
        body.release();
    }

    @Test
    void encoderCutsLongReasons() {
        String reason = "x".repeat(FrameHeader.MAX_REASON_LENGTH + 100);
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(
                encode(new ResetFrame(1, ErrorCode.CANCEL, reason))));

        ResetFrame decoded = decoder.readInbound();
        assertThat(decoded.reason()).hasSize(FrameHeader.MAX_REASON_LENGTH);
    }

    // Awkward pieces.

    private static List<Frame> sampleSequence() {
        return List.of(new HelloFrame(TunnelSettings.defaults()),
                new PingFrame(42, false),
                new OpenFrame(1, FULL_METADATA),
                new OpenResultFrame(1, OpenResult.CONNECTED, ""),
                new WindowUpdateFrame(1, 65536),
                new FinFrame(1),
                new ControlFrame("{\"k\":\"v\"}", false),
                new GoAwayFrame(1, ErrorCode.NO_ERROR, "bye"));
    }

    @Test
    void framesDecodeFromSingleBytes() {
        byte[] bytes = encode(sampleSequence().toArray(new Frame[0]));
        EmbeddedChannel decoder = decoder();

        for (byte b : bytes) {
            decoder.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
        }

        assertThat(readAll(decoder)).isEqualTo(sampleSequence());
    }

    @Test
    void framesDecodeFromOneBuffer() {
        byte[] bytes = encode(sampleSequence().toArray(new Frame[0]));
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(bytes));

        assertThat(readAll(decoder)).isEqualTo(sampleSequence());
    }

    @Test
    void framesDecodeAcrossSplitHeaders() {
        byte[] bytes = encode(sampleSequence().toArray(new Frame[0]));
        EmbeddedChannel decoder = decoder();

        // Each piece ends inside a header or payload: 4 bytes, then 13, then 7, and so on.
        int[] sizes = {4, 13, 7, 1, 30};
        int offset = 0;
        for (int i = 0; offset < bytes.length; i++) {
            int size = Math.min(sizes[i % sizes.length], bytes.length - offset);
            decoder.writeInbound(Unpooled.wrappedBuffer(bytes, offset, size));
            offset += size;
        }

        assertThat(readAll(decoder)).isEqualTo(sampleSequence());
    }

    @Test
    void dataFrameSplitAcrossBuffersIsWhole() {
        byte[] payload = randomBytes(5000, 2);
        byte[] bytes = encode(new DataFrame(5, Unpooled.wrappedBuffer(payload)),
                new FinFrame(5));
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(bytes, 0, 6));
        assertThat((Object) decoder.readInbound()).isNull();
        decoder.writeInbound(Unpooled.wrappedBuffer(bytes, 6, 2000));
        assertThat((Object) decoder.readInbound()).isNull();
        decoder.writeInbound(Unpooled.wrappedBuffer(bytes, 2006, bytes.length - 2006));

        DataFrame data = decoder.readInbound();
        assertThat(bytesOf(data.content())).isEqualTo(payload);
        data.release();
        assertThat((Frame) decoder.readInbound()).isEqualTo(new FinFrame(5));
    }

    // Zero copy.

    @Test
    void dataPayloadIsSliceOfHeapInput() {
        byte[] bytes = encode(new DataFrame(1, Unpooled.wrappedBuffer(randomBytes(1000, 3))));
        ByteBuf input = Unpooled.wrappedBuffer(bytes);
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(input);

        DataFrame data = decoder.readInbound();
        ByteBuf content = data.content();
        assertThat(content.hasArray()).isTrue();
        assertThat(content.array()).isSameAs(bytes);
        assertThat(content.arrayOffset() + content.readerIndex()).isEqualTo(FrameHeader.LENGTH);
        assertThat(input.refCnt()).isEqualTo(1);
        data.release();
        assertThat(input.refCnt()).isZero();
    }

    @Test
    void dataPayloadIsSliceOfDirectInput() {
        byte[] bytes = encode(new DataFrame(1, Unpooled.wrappedBuffer(randomBytes(1000, 4))));
        ByteBuf input = ByteBufAllocator.DEFAULT.directBuffer(bytes.length).writeBytes(bytes);
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(input);

        DataFrame data = decoder.readInbound();
        ByteBuf content = data.content();
        try {
            if (input.hasMemoryAddress()) {
                assertThat(content.memoryAddress())
                        .isEqualTo(input.memoryAddress() + FrameHeader.LENGTH);
            } else {
                assertThat(content.nioBuffer().isDirect()).isTrue();
            }
            assertThat(input.refCnt()).isEqualTo(1);
        } finally {
            data.release();
        }
        assertThat(input.refCnt()).isZero();
    }

    // Protocol errors.

    static Stream<Arguments> malformedFrames() {
        return Stream.of(
                Arguments.of("unknown type 0xa", header(0, 0xa, 0, 0), ErrorCode.PROTOCOL_ERROR,
                        "unknown frame type 0xa"),
                Arguments.of("unknown type 0xff", header(4, 0xff, 0, 1), ErrorCode.PROTOCOL_ERROR,
                        "unknown frame type 0xff"),
                Arguments.of("FIN with payload", concat(header(1, 0x3, 0, 1), new byte[1]),
                        ErrorCode.FRAME_SIZE_ERROR, "FIN frame length 1 (expected: 0)"),
                Arguments.of("WINDOW_UPDATE of 0", concat(header(4, 0x5, 0, 1), int32(0)),
                        ErrorCode.FLOW_CONTROL_ERROR,
                        "window increment 0 on stream 1 (expected: 1 to 2147483647)"),
                Arguments.of("WINDOW_UPDATE above 2^31-1",
                        concat(header(4, 0x5, 0, 0), int32(0x8000_0000)),
                        ErrorCode.FLOW_CONTROL_ERROR,
                        "window increment 2147483648 on stream 0 (expected: 1 to 2147483647)"),
                Arguments.of("WINDOW_UPDATE of 3 bytes", concat(header(3, 0x5, 0, 1), new byte[3]),
                        ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE frame length 3 (expected: 4)"),
                Arguments.of("WINDOW_UPDATE of 5 bytes",
                        concat(header(5, 0x5, 0, 0), new byte[] {0, 0, 0, 1, 0}),
                        ErrorCode.FRAME_SIZE_ERROR, "WINDOW_UPDATE frame length 5 (expected: 4)"),
                Arguments.of("PING of 7 bytes", concat(header(7, 0x6, 0, 0), new byte[7]),
                        ErrorCode.FRAME_SIZE_ERROR, "PING frame length 7 (expected: 8)"),
                Arguments.of("PING on a stream", concat(header(8, 0x6, 0, 3), new byte[8]),
                        ErrorCode.PROTOCOL_ERROR, "PING frame on stream 3 (expected: stream 0)"),
                Arguments.of("HELLO on a stream", concat(header(0, 0x8, 0, 1)),
                        ErrorCode.PROTOCOL_ERROR, "HELLO frame on stream 1 (expected: stream 0)"),
                Arguments.of("DATA on stream 0", concat(header(2, 0x0, 0, 0), new byte[2]),
                        ErrorCode.PROTOCOL_ERROR,
                        "DATA frame on stream 0 (expected: a stream id > 0)"),
                Arguments.of("FIN on stream 0", header(0, 0x3, 0, 0), ErrorCode.PROTOCOL_ERROR,
                        "FIN frame on stream 0 (expected: a stream id > 0)"),
                Arguments.of("OPEN of 2 bytes", concat(header(2, 0x1, 0, 1), new byte[2]),
                        ErrorCode.FRAME_SIZE_ERROR, "OPEN frame length 2 (expected: >= 3)"),
                Arguments.of("OPEN with protocol 1", open(1, 80, field(1, "h")),
                        ErrorCode.PROTOCOL_ERROR, "OPEN protocol 1 (expected: 6 for tcp or 17 for udp)"),
                Arguments.of("OPEN with port 0", open(6, 0, field(1, "h")),
                        ErrorCode.PROTOCOL_ERROR, "OPEN port: 0 (expected: 1 to 65535)"),
                Arguments.of("OPEN with a cut field header", open(6, 80, field(1, "h"), new byte[] {2, 0}),
                        ErrorCode.PROTOCOL_ERROR, "OPEN field header cut short"),
                Arguments.of("OPEN with a field longer than the frame",
                        open(6, 80, new byte[] {1, 0, 9, 'a', 'b'}), ErrorCode.PROTOCOL_ERROR,
                        "OPEN field 1 length 9 exceeds the 2 bytes left"),
                Arguments.of("OPEN without host", open(6, 80, field(5, "wiki")),
                        ErrorCode.PROTOCOL_ERROR, "OPEN without a host field"),
                Arguments.of("OPEN with empty host", open(6, 80, field(1, "")),
                        ErrorCode.PROTOCOL_ERROR, "OPEN invalid host '' (expected: a name or "
                                + "address of 1 to 255 characters without spaces or control "
                                + "characters)"),
                Arguments.of("OPEN with a line break in the host",
                        open(6, 80, field(1, "a\r\nINFO forged")), ErrorCode.PROTOCOL_ERROR,
                        "OPEN invalid host 'a\\u000d\\u000aINFO forged' (expected: a name or "
                                + "address of 1 to 255 characters without spaces or control "
                                + "characters)"),
                Arguments.of("OPEN_RESULT empty", header(0, 0x2, 0, 1), ErrorCode.FRAME_SIZE_ERROR,
                        "OPEN_RESULT frame length 0 (expected: >= 1)"),
                Arguments.of("OPEN_RESULT unknown", concat(header(1, 0x2, 0, 1), new byte[] {99}),
                        ErrorCode.PROTOCOL_ERROR, "unknown open result 99 on stream 1"),
                Arguments.of("RESET of 3 bytes", concat(header(3, 0x4, 0, 1), new byte[3]),
                        ErrorCode.FRAME_SIZE_ERROR, "RESET frame length 3 (expected: >= 4)"),
                Arguments.of("GOAWAY of 7 bytes", concat(header(7, 0x7, 0, 0), new byte[7]),
                        ErrorCode.FRAME_SIZE_ERROR, "GOAWAY frame length 7 (expected: >= 8)"),
                Arguments.of("HELLO of 7 bytes", concat(header(7, 0x8, 0, 0), new byte[7]),
                        ErrorCode.PROTOCOL_ERROR, "HELLO length 7 (expected: a multiple of 6)"),
                Arguments.of("HELLO with version 2",
                        hello(setting(1, 2), setting(2, 16384)), ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version 2 (expected: 1)"),
                Arguments.of("HELLO without version", hello(setting(2, 16384)),
                        ErrorCode.UNSUPPORTED_VERSION, "protocol version -1 (expected: 1)"),
                Arguments.of("HELLO with maxFrameLength 1023",
                        hello(setting(1, 1), setting(2, 1023)), ErrorCode.PROTOCOL_ERROR,
                        "HELLO maxFrameLength: 1023 (expected: 1024 to 16777215)"),
                Arguments.of("HELLO with maxFrameLength 2^24",
                        hello(setting(1, 1), setting(2, 1 << 24)), ErrorCode.PROTOCOL_ERROR,
                        "HELLO maxFrameLength: 16777216 (expected: 1024 to 16777215)"),
                Arguments.of("HELLO with a value above 2^31-1",
                        hello(setting(1, 1), setting(4, 0x8000_0000)), ErrorCode.PROTOCOL_ERROR,
                        "HELLO setting 4 value 2147483648 (expected: <= 2147483647)"),
                Arguments.of("HELLO with stream window 0",
                        hello(setting(1, 1), setting(3, 0)), ErrorCode.PROTOCOL_ERROR,
                        "HELLO initialStreamWindow: 0 (expected: > 0)"),
                Arguments.of("HELLO with early data 2",
                        hello(setting(1, 1), setting(5, 2)), ErrorCode.PROTOCOL_ERROR,
                        "HELLO setting 5 (early data) value 2 (expected: 0 or 1)"));
    }

    /** A peer of an earlier release sends no early-data setting and so gets no early data. */
    @Test
    void helloWithoutEarlySettingMeansNone() {
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(hello(setting(1, 1), setting(2, 16384))));

        HelloFrame hello = decoder.readInbound();
        assertThat(hello.settings()).isEqualTo(new TunnelSettings(1, 16384,
                TunnelSettings.DEFAULT_INITIAL_STREAM_WINDOW, TunnelSettings.DEFAULT_TUNNEL_WINDOW,
                false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedFrameRaisesProtocolError(String name, byte[] bytes, ErrorCode code,
            String message) {
        EmbeddedChannel decoder = decoder();
        ByteBuf input = Unpooled.wrappedBuffer(bytes);

        assertThatThrownBy(() -> decoder.writeInbound(input))
                .isInstanceOf(DecoderException.class)
                .cause()
                .isInstanceOf(ProtocolException.class)
                .hasMessage(message)
                .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo(code));
        assertThat(input.refCnt()).isZero();
        assertThat((Object) decoder.readInbound()).isNull();
    }

    @Test
    void oversizedFrameIsRejectedBeforePayload() {
        EmbeddedChannel decoder = decoder();
        ByteBuf headerOnly = Unpooled.wrappedBuffer(header(MAX_FRAME_LENGTH + 1, 0x0, 0, 1));

        assertThatThrownBy(() -> decoder.writeInbound(headerOnly))
                .isInstanceOf(DecoderException.class)
                .cause()
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("16385")
                .hasMessageContaining("16384")
                .hasMessage("frame length 16385 exceeds maximum 16384 (type 0)")
                .satisfies(e -> assertThat(((ProtocolException) e).code())
                        .isEqualTo(ErrorCode.FRAME_SIZE_ERROR));
        assertThat(headerOnly.refCnt()).isZero();
    }

    @Test
    void frameAtMaximumLengthIsAccepted() {
        EmbeddedChannel decoder = decoder();

        decoder.writeInbound(Unpooled.wrappedBuffer(
                concat(header(MAX_FRAME_LENGTH, 0x0, 0, 1), new byte[MAX_FRAME_LENGTH])));

        DataFrame data = decoder.readInbound();
        assertThat(data.content().readableBytes()).isEqualTo(MAX_FRAME_LENGTH);
        data.release();
    }

    @Test
    void inputAfterErrorIsDiscardedAndReleased() {
        EmbeddedChannel decoder = decoder();
        byte[] valid = encode(new PingFrame(1, false));
        ByteBuf bad = Unpooled.wrappedBuffer(concat(valid, header(0, 0xb, 0, 0), valid));

        assertThatThrownBy(() -> decoder.writeInbound(bad)).isInstanceOf(DecoderException.class);

        assertThat((Frame) decoder.readInbound()).isEqualTo(new PingFrame(1, false));
        assertThat((Object) decoder.readInbound()).isNull();
        assertThat(bad.refCnt()).isZero();
        ByteBuf later = Unpooled.wrappedBuffer(encode(
                new DataFrame(1, Unpooled.wrappedBuffer(new byte[100])), new PingFrame(2, false)));
        decoder.writeInbound(later);
        assertThat((Object) decoder.readInbound()).isNull();
        assertThat(later.refCnt()).isZero();
    }

    @Test
    void errorInSecondPieceReleasesCumulation() {
        EmbeddedChannel decoder = decoder();
        ByteBuf first = Unpooled.wrappedBuffer(concat(header(1, 0x3, 0, 1)), 0, 5);
        ByteBuf second = Unpooled.wrappedBuffer(concat(header(1, 0x3, 0, 1), new byte[1]), 5, 5);

        decoder.writeInbound(first);
        assertThatThrownBy(() -> decoder.writeInbound(second))
                .isInstanceOf(DecoderException.class)
                .cause()
                .hasMessage("FIN frame length 1 (expected: 0)");

        assertThat(first.refCnt()).isZero();
        assertThat(second.refCnt()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"DATA", "OPEN", "FIN", "RESET", "OPEN_RESULT"})
    void streamFrameOnStreamZeroIsRejected(FrameType type) {
        EmbeddedChannel decoder = decoder();

        assertThatThrownBy(() -> decoder.writeInbound(
                Unpooled.wrappedBuffer(header(0, type.code(), 0, 0))))
                .cause()
                .hasMessage(type + " frame on stream 0 (expected: a stream id > 0)");
    }

    // Helpers.

    private EmbeddedChannel decoder() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_LENGTH));
        channels.add(channel);
        return channel;
    }

    /** Encodes the frames with {@link FrameEncoder} and returns the bytes it wrote. */
    private static byte[] encode(Frame... frames) {
        EmbeddedChannel encoder = new EmbeddedChannel(FrameEncoder.INSTANCE);
        encoder.writeOutbound((Object[]) frames);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf; (buf = encoder.readOutbound()) != null; ) {
            out.writeBytes(bytesOf(buf));
            buf.release();
        }
        encoder.finishAndReleaseAll();
        return out.toByteArray();
    }

    private static List<Frame> readAll(EmbeddedChannel decoder) {
        List<Frame> frames = new ArrayList<>();
        for (Frame frame; (frame = decoder.readInbound()) != null; ) {
            frames.add(frame);
        }
        return frames;
    }

    private static byte[] bytesOf(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] header(int length, int type, int flags, int streamId) {
        return new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length,
                (byte) type, (byte) flags, (byte) (streamId >>> 24), (byte) (streamId >>> 16),
                (byte) (streamId >>> 8), (byte) streamId};
    }

    private static byte[] int32(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8),
                (byte) value};
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] field(int key, String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) key, (byte) (utf8.length >>> 8), (byte) utf8.length},
                utf8);
    }

    /** Returns an OPEN frame on stream 1 with the given protocol, port and raw fields. */
    private static byte[] open(int protocol, int port, byte[]... fields) {
        byte[] body = concat(new byte[] {(byte) protocol, (byte) (port >>> 8), (byte) port},
                concat(fields));
        return concat(header(body.length, 0x1, 0, 1), body);
    }

    private static byte[] setting(int id, int value) {
        return concat(new byte[] {(byte) (id >>> 8), (byte) id}, int32(value));
    }

    private static byte[] hello(byte[]... settings) {
        byte[] body = concat(settings);
        return concat(header(body.length, 0x8, 0, 0), body);
    }
}
