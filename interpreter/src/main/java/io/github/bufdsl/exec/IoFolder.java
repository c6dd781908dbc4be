package io.github.bufdsl.exec;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The one folder a script may read and write files in ({@code run --allow-io DIR}), and the rules
 * that keep it there. A name a script gives is relative (an absolute path is refused), ends in
 * {@code .npy}, and leads below the folder twice over: as written (no {@code ..} out of it), and
 * with every symbolic link in it resolved (its real path), before anything is read or written. A
 * link that leads out of the folder and a link to nothing (dangling) are refused; a link from
 * inside to inside is followed. {@code save} replaces a file by moving a finished temporary file
 * of the same folder onto it, so it never writes through a link or a hard link.
 *
 * <p>What this cannot see: a file in the folder that is a hard link to one outside reads as a
 * file of the folder (hard links are made by whoever owns the folder), and another process that
 * swaps a folder for a link between the check and the access. Scripts themselves cannot make
 * links or folders.
 */
final class IoFolder {
    private final Path root;

    IoFolder(Path root) {
        this.root = root;
    }

    /** A file {@code load} may read: an existing regular {@code .npy} file whose real path is below the folder. */
    Path readable(String name) {
        Path real = realRoot();
        Path p = lexical(name, real);
        Path target;
        try {
            target = p.toRealPath();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(p) || hasLinkOnTheWay(real, p)) {
                throw new ScriptError(shorten(name) + " is a symbolic link to nothing (dangling) or goes through one; load"
                        + " reads only files below the --allow-io folder");
            }
            throw new ScriptError(shorten(name) + ": no such file below the --allow-io folder");
        } catch (IOException e) {
            throw new ScriptError(shorten(name) + ": cannot follow its path (" + reason(e) + ")");
        }
        if (!target.startsWith(real)) {
            throw new ScriptError(shorten(name) + " leads outside the folder --allow-io gives, through a symbolic link;"
                    + " bufdsl follows no link out of it");
        }
        if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ScriptError(shorten(name) + " is not a regular file (a folder, device or pipe); load reads .npy files");
        }
        if (!target.getFileName().toString().endsWith(".npy")) {
            throw new ScriptError(shorten(name) + " is a link to a file that is not .npy; load reads .npy files only");
        }
        return target;
    }

    /**
     * Where {@code save} may write: a {@code .npy} name in a folder that exists below the folder (by
     * its real path); an existing file of that name must be a regular file, or a link to one, below
     * the folder.
     */
    Path writable(String name) {
        Path real = realRoot();
        Path p = lexical(name, real);
        Path parent = p.getParent();
        Path realParent;
        try {
            realParent = parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new ScriptError(shorten(name) + ": its folder does not exist below the --allow-io folder (or is a"
                    + " dangling link); save makes no folders");
        } catch (IOException e) {
            throw new ScriptError(shorten(name) + ": cannot follow its path (" + reason(e) + ")");
        }
        if (!realParent.startsWith(real)) {
            throw new ScriptError(shorten(name) + " leads outside the folder --allow-io gives, through a symbolic link;"
                    + " bufdsl follows no link out of it");
        }
        if (!Files.isDirectory(realParent, LinkOption.NOFOLLOW_LINKS)) {
            throw new ScriptError(shorten(name) + ": its folder is not a folder");
        }
        Path target = realParent.resolve(p.getFileName().toString());
        if (Files.isSymbolicLink(target)) {
            Path linked;
            try {
                linked = target.toRealPath();
            } catch (NoSuchFileException e) {
                throw new ScriptError(shorten(name) + " is a symbolic link to nothing (dangling); save does not create the"
                        + " target of a link");
            } catch (IOException e) {
                throw new ScriptError(shorten(name) + ": cannot follow its link (" + reason(e) + ")");
            }
            if (!linked.startsWith(real)) {
                throw new ScriptError(shorten(name) + " is a symbolic link that leads outside the folder --allow-io gives;"
                        + " bufdsl follows no link out of it");
            }
            if (!linked.getFileName().toString().endsWith(".npy")) {
                throw new ScriptError(shorten(name) + " is a link to a file that is not .npy; save writes .npy files only");
            }
            target = linked;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ScriptError(shorten(name) + " exists and is not a regular file (a folder, device or pipe)");
        }
        return target;
    }

    /** The folder's real path, now (it is looked up at each access, as the folder may change). */
    private Path realRoot() {
        try {
            Path real = root.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new ScriptError("the --allow-io folder is not a folder");
            }
            return real;
        } catch (IOException e) {
            throw new ScriptError("the --allow-io folder does not exist (any more)");
        }
    }

    /** The name below the folder as written: relative, .npy, no way up out of it. */
    private static Path lexical(String name, Path real) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            throw new ScriptError("\"" + shorten(name) + "\" is not a file name");
        }
        if (!name.endsWith(".npy")) {
            throw new ScriptError(shorten(name) + ": bufdsl reads and writes .npy files only; name the file with .npy"
                    + " at the end");
        }
        Path rel;
        try {
            rel = real.getFileSystem().getPath(name);
        } catch (InvalidPathException e) {
            throw new ScriptError(shorten(name) + " is not a valid file name here");
        }
        if (rel.isAbsolute() || rel.getRoot() != null) {
            throw new ScriptError(shorten(name) + " is an absolute path; name files relative to the --allow-io folder");
        }
        Path p = real.resolve(rel).normalize();
        if (!p.startsWith(real) || p.equals(real)) {
            throw new ScriptError(shorten(name) + " is outside the folder --allow-io gives; name files below it");
        }
        return p;
    }

    /** Whether a folder on the way from the root to {@code p} is a symbolic link. */
    private static boolean hasLinkOnTheWay(Path real, Path p) {
        for (Path q = p.getParent(); q != null && q.startsWith(real) && !q.equals(real); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                return true;
            }
        }
        return false;
    }

    /** A name as a message shows it: at most 80 characters, control characters escaped. */
    static String shorten(String name) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < name.length() && k < 80; k++) {
            char c = name.charAt(k);
            sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return name.length() > 80 ? sb + "..." : sb.toString();
    }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getClass().getSimpleName();
    }
}
