package io.github.bufdsl.cli;

import io.github.bufdsl.api.BufScript;
import io.github.bufdsl.api.ScriptException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The script of {@code bufdsl run|usage|check FILE ...} read and parsed on a second thread from the
 * first moment, while the command line is read and the command set up (class loading and
 * initialisation a short command spends a good part of its start-up on).
 * The command takes the result if it names the same file; any failure other than the script's own
 * diagnostics is left to the command's own load, which then reports it as it always does.
 */
final class Preload {
    private static final List<String> COMMANDS = List.of("run", "usage", "check");

    private final String file;
    private final FutureTask<BufScript> task;

    private Preload(String file, FutureTask<BufScript> task) {
        this.file = file;
        this.task = task;
    }

    /** Starts loading the script the arguments name, or returns null when they name none plainly. */
    static Preload start(String[] args, Path workingDir, long stackBytes) {
        if (args.length < 2 || !COMMANDS.contains(args[0]) || args[1].startsWith("-")) {
            return null;
        }
        String file = args[1];
        FutureTask<BufScript> task = new FutureTask<>(new Load(workingDir.resolve(file), file));
        Thread t = new Thread(null, task, "bufdsl-preload", stackBytes);
        t.setDaemon(true);
        t.start();
        return new Preload(file, task);
    }

    /** {@code BufScript.load} of the file (a class, not a lambda: the first lambda costs start-up). */
    private record Load(Path path, String name) implements Callable<BufScript> {
        @Override
        public BufScript call() throws ScriptException {
            return BufScript.load(path, name);
        }
    }

    /** The loaded script if it is {@code name}'s; null to load it the usual way. */
    BufScript take(String name) throws ScriptException {
        if (!name.equals(file)) {
            return null;
        }
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ScriptException s) {
                throw s;
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
