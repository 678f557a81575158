package io.ztna.agent.posture;

import io.ztna.proto.posture.CheckState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the host has a dm-crypt device: the device-mapper uuid in
 * {@code /sys/block/dm-N/dm/uuid} of dm-crypt targets, LUKS or plain, starts with
 * {@code CRYPT-} (set by cryptsetup).
 *
 * <p>Any encrypted device passes, so a host whose only encrypted device is swap or a data
 * volume passes too. The result is FAIL when {@code /sys/block} lists no such device and
 * UNKNOWN when it, or the uuid of a device-mapper device, cannot be read.
 */
final class DiskEncryptionCheck {

    private static final String CRYPT_PREFIX = "CRYPT-";
    /** Upper bound on uuid bytes read. Device-mapper uuids have at most 128 (DM_UUID_LEN). */
    private static final int MAX_UUID_BYTES = 4096;
    /** Upper bound on devices scanned, so that an unusual sysfs cannot stall the collector. */
    private static final int MAX_DEVICES = 4096;

    private final Path sysBlock;

    DiskEncryptionCheck(Path sysBlock) {
        this.sysBlock = sysBlock;
    }

    CheckState check() {
        boolean unreadable = false;
        int scanned = 0;
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(sysBlock, "dm-*")) {
            for (Path device : devices) {
                if (++scanned > MAX_DEVICES) {
                    break;
                }
                try {
                    if (readUuid(device.resolve("dm/uuid")).startsWith(CRYPT_PREFIX)) {
                        return CheckState.PASS;
                    }
                } catch (IOException e) {
                    unreadable = true;
                }
            }
        } catch (IOException e) {
            return CheckState.UNKNOWN;
        }
        return unreadable ? CheckState.UNKNOWN : CheckState.FAIL;
    }

    private static String readUuid(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_UUID_BYTES), StandardCharsets.US_ASCII);
        }
    }
}
