package io.github.bufdsl.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The launcher's training run for its class-data sharing archive: {@code run}, {@code usage} and
 * {@code check} of one script in one JVM, so that the archive holds the classes of each (a JVM
 * archives what one run loaded, and usage loads classes run does not). Not a user command.
 */
public final class Train {
    private Train() {
    }

    /** {@code Train SCRIPT [ARG...]}: each command on SCRIPT with the ARGs; exit 0 if each gave 0. */
    public static void main(String[] args) {
        PrintStream none = new PrintStream(OutputStream.nullOutputStream());
        int worst = 0;
        for (String command : new String[] {"run", "usage", "check"}) {
            String[] line = new String[args.length + 1];
            line[0] = command;
            System.arraycopy(args, 0, line, 1, args.length);
            worst = Math.max(worst, Main.execute(line, Path.of(""), none, none));
        }
        System.exit(worst);
    }
}
