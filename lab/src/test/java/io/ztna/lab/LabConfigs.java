package io.ztna.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Changes the configs a {@link LabState} wrote, for tests that need another setting. */
final class LabConfigs {

    private LabConfigs() {
    }

    /**
     * Replaces every {@code target} in a daemon's config with {@code replacement}, failing when
     * the config does not contain it, so that a change of the lab's files cannot make the edit
     * a silent no-op.
     */
    static void edit(LabState state, String daemon, String target, String replacement)
            throws IOException {
        Path file = state.config(daemon);
        String text = Files.readString(file);
        if (!text.contains(target)) {
            throw new IllegalStateException("lab config changed: '" + target.strip()
                    + "' not found in " + file + ":\n" + text);
        }
        Files.writeString(file, text.replace(target, replacement));
    }

    /** Appends {@code text} to a daemon's config. */
    static void append(LabState state, String daemon, String text) throws IOException {
        Path file = state.config(daemon);
        Files.writeString(file, Files.readString(file) + text);
    }
}
