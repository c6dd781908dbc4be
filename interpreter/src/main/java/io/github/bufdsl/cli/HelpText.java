package io.github.bufdsl.cli;

import io.github.bufdsl.cli.CommandTable.Command;
import io.github.bufdsl.cli.CommandTable.Option;
import java.util.ArrayList;
import java.util.List;

/** The help of bufdsl and of each command, made from {@link CommandTable}, wrapped at 80 columns. */
final class HelpText {
    /** The longest line: 79 columns, so that a terminal 80 wide does not wrap it again. */
    static final int WIDTH = 79;
    /** The widest option name that still has its description beside it; wider ones get a line of their own. */
    private static final int NAME_COLUMN = 24;

    private HelpText() {
    }

    /** {@code bufdsl --help}: the commands, each with its description. */
    static String top() {
        StringBuilder s = new StringBuilder();
        s.append("Usage: ").append(CommandTable.PROGRAM).append(" [-hV] [COMMAND]\n");
        wrap(s, CommandTable.DESCRIPTION, 0, 0);
        rows(s, List.of(), false);
        s.append("Commands:\n");
        int width = 0;
        List<Command> all = new ArrayList<>();
        all.add(CommandTable.HELP);
        all.addAll(CommandTable.COMMANDS);
        for (Command c : all) {
            width = Math.max(width, c.name().length());
        }
        for (Command c : all) {
            String name = "  " + c.name();
            s.append(name).append(" ".repeat(width + 4 - name.length()));
            wrap(s, c.description(), width + 4, width + 6);
        }
        return s.toString();
    }

    /** {@code bufdsl help COMMAND}, {@code bufdsl COMMAND --help}. */
    static String of(Command command) {
        if (command == CommandTable.HELP) {
            return "Usage: " + CommandTable.PROGRAM + " help [-h] [COMMAND]\n" + command.description() + "\n"
                    + "When no COMMAND is given, the help of " + CommandTable.PROGRAM + " itself is shown.\n"
                    + "      [COMMAND]   The command to show the help of.\n"
                    + "  -h, --help      Show this help message and exit.\n";
        }
        StringBuilder s = new StringBuilder();
        String start = "Usage: " + CommandTable.PROGRAM + " " + command.name() + " ";
        wrap(s, start + synopsis(command), 0, start.length());
        wrap(s, command.description(), 0, 0);
        rows(s, command.options(), command.file());
        for (String line : command.footer()) {
            s.append(line).append('\n');
        }
        return s.toString();
    }

    /** {@code [-hV] [--stats] [--allow-io=DIR] ... [--var=NAME=VALUE]... FILE}: flags first, each group sorted. */
    static String synopsis(Command command) {
        StringBuilder s = new StringBuilder("[-hV]");
        for (Option o : sorted(command.options())) {
            if (!o.takesValue()) {
                s.append(" [").append(o.name()).append(']');
            }
        }
        for (Option o : sorted(command.options())) {
            if (o.takesValue()) {
                s.append(" [").append(o.name()).append('=').append(o.label()).append(']')
                        .append(o.kind() == CommandTable.Kind.REPEATABLE ? "..." : "");
            }
        }
        return command.file() ? s.append(" FILE").toString() : s.toString();
    }

    /** FILE, then the options with -h and -V among them, in alphabetical order, each with its description. */
    private static void rows(StringBuilder s, List<Option> options, boolean file) {
        List<Option> all = new ArrayList<>(options);
        all.addAll(CommandTable.STANDARD);
        List<String> names = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        if (file) {
            names.add("    FILE");
            descriptions.add(CommandTable.FILE_DESCRIPTION);
        }
        for (Option o : sorted(all)) {
            String shortName = o == CommandTable.STANDARD.get(0) ? "-h, " : o == CommandTable.STANDARD.get(1) ? "-V, "
                    : "    ";
            names.add(shortName + o.name() + (o.takesValue() ? "=" + o.label() : ""));
            descriptions.add(o.description());
        }
        int width = 0;
        for (String n : names) {
            if (n.length() <= NAME_COLUMN) {
                width = Math.max(width, n.length());
            }
        }
        int column = 2 + width + 3;
        for (int i = 0; i < names.size(); i++) {
            String n = "  " + names.get(i);
            s.append(n);
            if (n.length() + 1 > column) {
                s.append('\n').append(" ".repeat(column));
            } else {
                s.append(" ".repeat(column - n.length()));
            }
            wrap(s, descriptions.get(i), column, column + 2);
        }
    }

    /** Sorted by name without dashes, -h as h and -V as V, ignoring case (as picocli did). */
    private static List<Option> sorted(List<Option> options) {
        List<Option> out = new ArrayList<>(options);
        out.sort(HelpText::compare);
        return out;
    }

    private static int compare(Option a, Option b) {
        return key(a).compareToIgnoreCase(key(b));
    }

    private static String key(Option o) {
        if (o == CommandTable.STANDARD.get(0)) {
            return "h";
        }
        return o == CommandTable.STANDARD.get(1) ? "V" : o.name().substring(2);
    }

    /**
     * Appends {@code text} wrapped at {@link #WIDTH}, breaking at spaces only; the caller has already
     * written {@code first} columns of the first line, later lines are indented by {@code indent}.
     */
    static void wrap(StringBuilder s, String text, int first, int indent) {
        int column = first;
        boolean start = true;
        for (String word : text.split(" ")) {
            if (!start && column + 1 + word.length() > WIDTH) {
                s.append('\n').append(" ".repeat(indent));
                column = indent;
                start = true;
            }
            if (!start) {
                s.append(' ');
                column++;
            }
            s.append(word);
            column += word.length();
            start = false;
        }
        s.append('\n');
    }
}
