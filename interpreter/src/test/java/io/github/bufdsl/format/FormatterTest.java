package io.github.bufdsl.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.bufdsl.diag.Source;
import io.github.bufdsl.parse.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class FormatterTest {
    @Test
    void reindentsInTheSeedsStyle() {
        String messy = "buf = Buffer(10)   \nif small\n  A = alloc!(buf, 2,\n3)\nelseif big\nB = alloc!(buf, 1)\n"
                + "      else\n# a comment\nfor i in 1:2\nprintln(\"end if for\")\n   end\nend\n";
        assertEquals("buf = Buffer(10)\nif small\n    A = alloc!(buf, 2,\n        3)\nelseif big\n"
                + "    B = alloc!(buf, 1)\nelse\n    # a comment\n    for i in 1:2\n        println(\"end if for\")\n"
                + "    end\nend\n", Formatter.format(messy));
    }

    @Test
    void keepsTheLinesOfABlockCommentAsWritten() {
        String messy = "if a\nx = 1 #= inline =# + 2\n#= over\n  #= nested\n =# lines\n     =#\ny = 2\nend\n";
        assertEquals("if a\n    x = 1 #= inline =# + 2\n    #= over\n  #= nested\n =# lines\n     =#\n"
                + "    y = 2\nend\n", Formatter.format(messy));
    }

    /** Every example: formatting twice changes nothing, and the formatted script still parses to the same shape. */
    @TestFactory
    Stream<DynamicTest> everyExampleIsStable() throws IOException {
        Path dir = Path.of(System.getProperty("bufdsl.examples", "../examples"));
        List<Path> scripts;
        try (Stream<Path> files = Files.list(dir)) {
            scripts = files.filter(p -> p.toString().endsWith(".buf")).sorted().toList();
        }
        assertFalse(scripts.isEmpty());
        return scripts.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String text = Files.readString(p);
            String once = Formatter.format(text);
            assertEquals(once, Formatter.format(once), "formatting twice changed " + p);
            int before = Parser.parse(new Source("a.buf", text)).body().size();
            assertEquals(before, Parser.parse(new Source("b.buf", once)).body().size());
        }));
    }
}
