package io.github.bufdsl.cli;

import io.github.bufdsl.cli.CommandTable.Command;
import io.github.bufdsl.cli.CommandTable.Option;
import io.github.bufdsl.cli.CommandTable.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code bufdsl COMMAND [FILE] [options]} against {@link CommandTable}. An option takes its
 * value as {@code --opt=value} or {@code --opt value}; options may come before or after FILE;
 * {@code --} ends the options; {@code -} as FILE is standard input. {@code -h}/{@code --help} or
 * {@code -V}/{@code --version} anywhere among a command's options wins over any other mistake there,
 * but for an option whose value is missing because another option follows it.
 * Every value is checked (numbers, choices) before a command runs.
 */
final class ArgParser {
    private ArgParser() {
    }

    /** What the command line asks for. */
    enum Action {
        /** Run {@code command}. */
        RUN,
        /** Print the help of {@code command}; of bufdsl itself when it is null. */
        HELP,
        /** Print the version. */
        VERSION,
        /** No argument at all. */
        NO_COMMAND
    }

    /** A mistake on the command line: its message, as {@code bufdsl: error: } + message shows it. */
    static final class ArgumentException extends Exception {
        ArgumentException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A parsed command line: the command, its FILE (null if it takes none) and each option's value:
     * Boolean for a flag, List of String for a repeatable option, else String, Long, Integer or
     * Double by the option's type; an option not given has its default, or no entry if it has none.
     */
    record Parsed(Action action, Command command, String file, Map<String, Object> values) {
        boolean flag(String name) {
            return values.get(checked(name)) == Boolean.TRUE;
        }

        String text(String name) {
            return (String) values.get(checked(name));
        }

        Long longValue(String name) {
            return (Long) values.get(checked(name));
        }

        Integer intValue(String name) {
            return (Integer) values.get(checked(name));
        }

        Double number(String name) {
            return (Double) values.get(checked(name));
        }

        @SuppressWarnings("unchecked")
        List<String> list(String name) {
            Object v = values.get(checked(name));
            return v == null ? List.of() : (List<String>) v;
        }

        /** A command asking for an option it does not have is a bug, not a user's mistake. */
        private String checked(String name) {
            if (command.option(name) == null) {
                throw new IllegalArgumentException(command.name() + " has no option " + name);
            }
            return name;
        }
    }

    static Parsed parse(String[] args) throws ArgumentException {
        if (args.length == 0) {
            return new Parsed(Action.NO_COMMAND, null, null, Map.of());
        }
        String first = args[0];
        if (first.startsWith("-") && !first.equals("-")) {
            // before the command, bufdsl's own -h and -V (and -hV) only
            Action a = standardAction(first);
            if (a == null) {
                throw new ArgumentException("Unknown option: '" + first + "'");
            }
            return new Parsed(a, null, null, Map.of());
        }
        Command command = CommandTable.command(first);
        if (command == null) {
            throw new ArgumentException(first.endsWith(".buf")
                    ? "a command must come before the script, as: " + CommandTable.PROGRAM + " run " + first
                    : "unknown command " + first + "; the commands are " + CommandTable.commandNames());
        }
        return command == CommandTable.HELP ? help(args) : parseCommand(command, args);
    }

    /** {@code help [COMMAND]}: words after the command's name are left alone, as before. */
    private static Parsed help(String[] args) throws ArgumentException {
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return new Parsed(Action.HELP, CommandTable.HELP, null, Map.of());
            }
            if (a.startsWith("-") && !a.equals("-")) {
                throw new ArgumentException("Unknown option: '" + a + "'");
            }
            Command c = CommandTable.command(a);
            if (c == null) {
                throw new ArgumentException("unknown command " + a + "; the commands are " + CommandTable.commandNames());
            }
            return new Parsed(Action.HELP, c, null, Map.of());
        }
        return new Parsed(Action.HELP, null, null, Map.of());
    }

    /** HELP or VERSION for -h, --help, -V, --version, or a cluster of h and V (-hV); else null. */
    private static Action standardAction(String arg) {
        if (arg.equals("--help")) {
            return Action.HELP;
        }
        if (arg.equals("--version")) {
            return Action.VERSION;
        }
        if (arg.length() < 2 || arg.charAt(0) != '-' || arg.charAt(1) == '-') {
            return null;
        }
        for (int i = 1; i < arg.length(); i++) {
            if (arg.charAt(i) != 'h' && arg.charAt(i) != 'V') {
                return null;
            }
        }
        // help wins, as -Vh prints the help
        return arg.indexOf('h') > 0 ? Action.HELP : Action.VERSION;
    }

    private static Parsed parseCommand(Command command, String[] args) throws ArgumentException {
        Map<String, Object> values = new HashMap<>();
        String file = null;
        Action asked = null;
        ArgumentException error = null;
        boolean options = true;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (options && arg.equals("--")) {
                options = false;
                continue;
            }
            if (!options || arg.equals("-") || !arg.startsWith("-")) {
                if (command.file() && file == null) {
                    file = arg;
                } else if (error == null) {
                    error = new ArgumentException("Unexpected argument: '" + arg + "' (" + command.name()
                            + (command.file() ? " takes one FILE)" : " takes no FILE)"));
                }
                continue;
            }
            Action standard = standardAction(arg);
            if (standard != null) {
                asked = asked == Action.HELP ? asked : standard;
                continue;
            }
            int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String name = eq < 0 ? arg : arg.substring(0, eq);
            Option option = command.option(name);
            if (option == null) {
                if (error == null) {
                    error = new ArgumentException("Unknown option: '" + arg + "'");
                }
                continue;
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (!option.takesValue()) {
                value = null;
            } else if (i + 1 == args.length) {
                if (error == null) {
                    error = new ArgumentException("Missing required parameter for option '" + name + "' ("
                            + option.label() + ")");
                }
                continue;
            } else if (isOption(command, args[i + 1])) {
                // as picocli did: the option that follows is not taken for a help request either
                if (asked != null) {
                    break;
                }
                throw new ArgumentException(error != null ? error.getMessage() : "Expected parameter for option '"
                        + name + "' but found '" + args[i + 1] + "'");
            } else {
                value = args[++i];
            }
            try {
                set(option, value, values);
            } catch (ArgumentException e) {
                if (error == null) {
                    error = e;
                }
            }
        }
        if (asked != null) {
            return new Parsed(asked, command, null, Map.of());
        }
        if (error != null) {
            throw error;
        }
        if (command.file() && file == null) {
            throw new ArgumentException("Missing required parameter: 'FILE'");
        }
        for (Option o : command.options()) {
            if (!values.containsKey(o.name()) && o.defaultValue() != null) {
                values.put(o.name(), convert(o, o.defaultValue()));
            }
        }
        return new Parsed(Action.RUN, command, file, values);
    }

    /** Whether {@code arg} names an option of the command (then it cannot be the previous option's value). */
    private static boolean isOption(Command command, String arg) {
        if (standardAction(arg) != null) {
            return true;
        }
        int eq = arg.startsWith("--") ? arg.indexOf('=') : -1;
        return command.option(eq < 0 ? arg : arg.substring(0, eq)) != null;
    }

    private static void set(Option option, String value, Map<String, Object> values) throws ArgumentException {
        String name = option.name();
        switch (option.kind()) {
            case FLAG -> {
                if (values.containsKey(name)) {
                    throw new ArgumentException("option '" + name + "' should be specified only once");
                }
                if (value == null || value.equalsIgnoreCase("true")) {
                    values.put(name, Boolean.TRUE);
                } else if (value.equalsIgnoreCase("false")) {
                    values.put(name, Boolean.FALSE);
                } else {
                    throw new ArgumentException(invalid(name, "'" + value + "' is not true or false"));
                }
            }
            case VALUE -> {
                if (values.containsKey(name)) {
                    throw new ArgumentException("option '" + name + "' (" + option.label()
                            + ") should be specified only once");
                }
                values.put(name, convert(option, value));
            }
            case REPEATABLE -> {
                @SuppressWarnings("unchecked")
                List<String> list = (List<String>) values.get(name);
                if (list == null) {
                    list = new ArrayList<>();
                    values.put(name, list);
                }
                list.add(value);
            }
        }
    }

    /** The value of an option of kind VALUE, checked against its type. */
    private static Object convert(Option option, String value) throws ArgumentException {
        String name = option.name();
        try {
            return switch (option.type()) {
                case TEXT -> value;
                case LONG -> Long.parseLong(value);
                case INT -> {
                    long n = Long.parseLong(value);
                    if (n != (int) n) {
                        throw new ArgumentException(invalid(name, "'" + value + "' is out of range"));
                    }
                    yield (int) n;
                }
                case NUMBER -> Double.parseDouble(value);
                case CHOICE -> {
                    if (!option.choices().contains(value)) {
                        throw new ArgumentException(invalid(name, "expected one of " + option.choices()
                                + " (case-sensitive) but was '" + value + "'"));
                    }
                    yield value;
                }
            };
        } catch (NumberFormatException e) {
            throw new ArgumentException(invalid(name, "'" + value + "' is not " + (option.type() == Type.NUMBER
                    ? "a number" : "an integer")));
        }
    }

    private static String invalid(String name, String why) {
        return "Invalid value for option '" + name + "': " + why;
    }
}
