package io.github.bufdsl.cli;

import io.github.bufdsl.cli.CommandTable.Command;
import io.github.bufdsl.cli.CommandTable.Option;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bufdsl completion}: a bash script (zsh runs it through bashcompinit) that completes the
 * commands, each command's options, the values of options that take one of a few (--color, --emit),
 * folders after --allow-io and file names where FILE goes; made from {@link CommandTable}.
 */
final class Completion {
    private Completion() {
    }

    static String script() {
        String p = CommandTable.PROGRAM;
        StringBuilder s = new StringBuilder();
        s.append("# TAB completion of ").append(p).append(" for bash and zsh, made by '").append(p)
                .append(" completion'.\n# Use: source <(./").append(p).append(" completion)\n")
                .append("if [ -n \"$ZSH_VERSION\" ]; then\n")
                .append("    if ! type compdef >/dev/null 2>&1; then\n")
                .append("        autoload -U +X compinit && compinit\n")
                .append("    fi\n")
                .append("    autoload -U +X bashcompinit && bashcompinit\n")
                .append("fi\n\n")
                .append("_").append(p).append("() {\n")
                .append("    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
                .append("    local command= i\n")
                .append("    for ((i = 1; i < COMP_CWORD; i++)); do\n")
                .append("        case ${COMP_WORDS[i]} in\n")
                .append("            -*) ;;\n")
                .append("            *) command=${COMP_WORDS[i]}; break ;;\n")
                .append("        esac\n")
                .append("    done\n")
                .append("    local flags= valued=\n")
                .append("    case $command in\n")
                .append("        '')\n")
                .append("            COMPREPLY=($(compgen -W '").append(commandWords()).append(" -h --help -V --version' -- \"$cur\"))\n")
                .append("            return ;;\n")
                .append("        help)\n")
                .append("            COMPREPLY=($(compgen -W '").append(commandWords()).append("' -- \"$cur\"))\n")
                .append("            return ;;\n");
        for (Command c : CommandTable.COMMANDS) {
            s.append("        ").append(c.name()).append(")\n")
                    .append("            flags='").append(names(c.options(), false)).append("-h --help -V --version'\n")
                    .append("            valued='").append(names(c.options(), true).strip()).append("' ;;\n");
        }
        s.append("        *) return ;;\n")
                .append("    esac\n")
                .append("    case \" $valued \" in\n")
                .append("        *\" $prev \"*)\n")
                .append("            case $prev in\n");
        List<String> seen = new ArrayList<>();
        for (Command c : CommandTable.COMMANDS) {
            for (Option o : c.options()) {
                if (o.takesValue() && !seen.contains(o.name())) {
                    seen.add(o.name());
                    s.append("                ").append(o.name()).append(") ").append(valueCompletion(o)).append(" ;;\n");
                }
            }
        }
        s.append("            esac\n")
                .append("            return ;;\n")
                .append("    esac\n")
                .append("    if [[ $cur == -* ]]; then\n")
                .append("        COMPREPLY=($(compgen -W \"$flags $valued\" -- \"$cur\"))\n")
                .append("    fi\n")
                .append("    # else: no COMPREPLY, and -o default completes a file name (FILE)\n")
                .append("}\n\n")
                .append("complete -F _").append(p).append(" -o default ").append(p).append('\n');
        return s.toString();
    }

    /** The words after {@code case $prev in --opt)}: what completes an option's value. */
    private static String valueCompletion(Option o) {
        if (o.type() == CommandTable.Type.CHOICE) {
            return "COMPREPLY=($(compgen -W '" + String.join(" ", o.choices()) + "' -- \"$cur\"))";
        }
        if (o.name().equals("--allow-io")) {
            return "COMPREPLY=($(compgen -d -- \"$cur\"))";
        }
        if (o.label().equals("FILE")) {
            return "COMPREPLY=($(compgen -f -- \"$cur\"))";
        }
        // a number, a NAME=VALUE, a backend: nothing to offer, and no file names either
        return "type compopt >/dev/null 2>&1 && compopt +o default 2>/dev/null";
    }

    private static String commandWords() {
        StringBuilder s = new StringBuilder();
        for (Command c : CommandTable.COMMANDS) {
            s.append(c.name()).append(' ');
        }
        return s.append(CommandTable.HELP.name()).toString();
    }

    /** The option names of one kind (flags or those that take a value), each followed by a space. */
    private static String names(List<Option> options, boolean valued) {
        StringBuilder s = new StringBuilder();
        for (Option o : options) {
            if (o.takesValue() == valued) {
                s.append(o.name()).append(' ');
            }
        }
        return s.toString();
    }
}
