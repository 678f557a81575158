package io.ztna.proto.frame;

/** Sizes and flag bits of the 9-byte frame header shared by the decoder and the encoder. */
final class FrameHeader {

    static final int LENGTH = 9;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_MORE = 0x2;
    static final int STREAM_ID_MASK = 0x7fff_ffff;
    /** Maximum length of the reason text written in RESET, OPEN_RESULT and GOAWAY, in characters. */
    static final int MAX_REASON_LENGTH = 256;

    private FrameHeader() {
    }
}
