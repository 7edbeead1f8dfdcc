package io.topogpu.nodeagent.cli;

import io.topogpu.topology.annotation.TopologyCodec;
import io.topogpu.topology.model.NodeTopology;
import io.topogpu.topology.parse.ParseResult;
import io.topogpu.topology.parse.TopoMatrixParser;
import io.topogpu.topology.parse.TopoParseException;
import io.topogpu.topology.render.ModelJson;
import io.topogpu.topology.render.TopologyTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topogpu probe}: one node's GPU topology, from a saved {@code nvidia-smi topo -m} capture
 * or from NVML, printed for people ({@code table}), scripts ({@code json}) or exactly as the node
 * agent publishes it ({@code annotation}). Parser warnings go to stderr; bad input exits 2.
 */
@Command(name = "probe", description = "Discover one node's GPU topology and print it.")
public final class ProbeCommand implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;


  /** Output formats, by the name {@code --format} takes (case-insensitive). */
  enum Format {
    TABLE(TopologyTable::render),
    JSON(ModelJson::render),
    ANNOTATION(TopologyCodec::encode);

    private final Function<NodeTopology, String> renderer;

    Format(Function<NodeTopology, String> renderer) {
      this.renderer = renderer;
    }
  }

  static final class Source {
    @Option(names = "--from-topo", paramLabel = "FILE", required = true,
        description = "a saved `nvidia-smi topo -m` output")
    Path fromTopo;

    @Option(names = "--nvml-lib", paramLabel = "PATH", required = true,
        description = "libnvidia-ml.so to discover the GPUs of this machine through")
    Path nvmlLib;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (for people), json (the model) or annotation (the node annotation value); default ${DEFAULT-VALUE}")
  Format format;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    NodeTopology topology;
    if (source.fromTopo != null) {
      Path file = source.fromTopo;
      try {
        ParseResult result = TopoMatrixParser.parseDetailed(Files.readString(file));
        result.warnings().forEach(w -> err.println("topogpu probe: " + file + ": warning: " + w));
        topology = result.topology();
      } catch (TopoParseException e) {
        return badInput(file + ": " + e.getMessage());
      } catch (NoSuchFileException e) {
        return badInput(file + ": no such file");
      } catch (CharacterCodingException e) {
        return badInput(file + ": not UTF-8 text");
      } catch (IOException e) {
        return badInput(file + ": cannot read: " + e.getMessage());
      }
    } else {
      topology = probeNvml(source.nvmlLib);
    }
    String text = format.renderer.apply(topology);
    spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
    spec.commandLine().getOut().flush();
    return NodeAgentMain.EXIT_OK;
  }

  /** Discovery through NVML; owned by the NVML work, see {@code NvmlDiscovery}. */
  NodeTopology probeNvml(Path lib) {
    throw new UnsupportedOperationException("NVML discovery: see NvmlDiscovery");
  }

  private int badInput(String message) {
    spec.commandLine().getErr().println("topogpu probe: " + message);
    return NodeAgentMain.EXIT_BAD_INPUT;
  }
}
