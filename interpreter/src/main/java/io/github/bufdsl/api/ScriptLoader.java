package io.github.bufdsl.api;

import io.github.bufdsl.diag.DiagnosticException;
import io.github.bufdsl.diag.Phase;
import io.github.bufdsl.diag.Pos;
import io.github.bufdsl.diag.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a script's text: a file as UTF-8, refusing what is not a script with a clear message; a
 * stream (standard input); a class-path resource.
 */
final class ScriptLoader {
    /** Larger scripts are refused: a script this big is a mistake (a data file given by accident). */
    static final long MAX_BYTES = 64L * 1024 * 1024;

    private ScriptLoader() {
    }

    static Source load(Path path, String file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) {
                throw fail(file, "is a directory, not a script");
            }
            if (Files.size(path) > MAX_BYTES) {
                throw fail(file, "is larger than " + MAX_BYTES / (1024 * 1024) + " MB; is it a script?");
            }
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw fail(file, "no such file");
        } catch (IOException e) {
            throw fail(file, "cannot be read: " + e.getMessage());
        }
        return text(bytes, file);
    }

    /**
     * A script's bytes as text, with the checks every way of reading one makes: no zero byte, UTF-8,
     * a byte order mark dropped.
     */
    private static Source text(byte[] bytes, String file) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw fail(file, "is binary (it holds a zero byte at offset " + i + "), not a .buf script");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw fail(file, "is not UTF-8 text; save it as UTF-8");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new Source(file, text);
    }

    /**
     * The text of a script read from a stream (standard input for {@code bufdsl run -}), with the
     * checks of a file: at most {@link #MAX_BYTES} (an endless stream is refused, not read to the end
     * of memory), no zero byte, UTF-8.
     */
    static String read(InputStream in, String file) {
        try {
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw fail(file, "is larger than " + MAX_BYTES / (1024 * 1024) + " MB; is it a script?");
            }
            return text(bytes, file).text();
        } catch (IOException e) {
            throw new DiagnosticException(Phase.STATIC, Pos.NONE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** A script from a class-path resource (UTF-8), as {@link ClassLoader#getResourceAsStream} finds it. */
    static Source resource(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new DiagnosticException(Phase.STATIC, Pos.NONE, "no resource " + resource);
            }
            return text(in.readNBytes((int) MAX_BYTES + 1), resource);
        } catch (IOException e) {
            throw new DiagnosticException(Phase.STATIC, Pos.NONE, "cannot read the resource " + resource + ": "
                    + e.getMessage());
        }
    }

    private static DiagnosticException fail(String file, String message) {
        return new DiagnosticException(Phase.STATIC, Pos.NONE, file + ": " + message);
    }
}
