using System.Globalization;

namespace NeuralCore.IO.Internals;

/// <summary>
/// A validated view of an ONNX graph for the importer: every value defined once (initializer, <c>Constant</c>, the data
/// input or a node output), every node input defined, no cycle, one data input and one output, and each value's
/// consumers. Errors name the node (name and op type) and the value.
/// </summary>
internal sealed class OnnxGraphView
{
    private readonly Dictionary<string, OnnxTensor> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<OnnxNode>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<OnnxNode> _used = [];

    public OnnxGraphView(OnnxGraph graph, string source)
    {
        Source = source;
        Graph = graph;
        if (graph.HasSparseInitializers)
        {
            throw new OnnxFormatException(source, "the graph has sparse initializers; only dense initializers are supported.");
        }

        foreach (var tensor in graph.Initializers)
        {
            if (!_initializers.TryAdd(tensor.Name, tensor))
            {
                throw new OnnxFormatException(source, $"initializer '{tensor.Name}' is defined twice.");
            }
        }

        // IR < 4 lists initializers among the inputs too; those are weights, not data.
        var dataInputs = graph.Inputs.Where(i => !_initializers.ContainsKey(i.Name)).ToList();
        if (dataInputs.Count != 1)
        {
            throw new OnnxFormatException(source, dataInputs.Count == 0
                ? "the graph has no input besides its initializers; expected one data input."
                : $"the graph has {dataInputs.Count} inputs that are not initializers ({string.Join(", ", dataInputs.Select(i => $"'{i.Name}'"))}); a NeuralCore network takes exactly one.");
        }

        Input = dataInputs[0];
        if (graph.Outputs.Count != 1)
        {
            throw new OnnxFormatException(source, string.Create(
                CultureInfo.InvariantCulture,
                $"the graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(o => $"'{o.Name}'"))}); a NeuralCore network has exactly one."));
        }

        Output = graph.Outputs[0];
        foreach (var node in graph.Nodes)
        {
            if (node.Outputs.Count == 0)
            {
                throw new OnnxFormatException(source, $"{node}: the node has no output.");
            }

            foreach (var output in node.Outputs)
            {
                if (output.Length == 0 || output == Input.Name || _initializers.ContainsKey(output) || !_producers.TryAdd(output, node))
                {
                    throw new OnnxFormatException(source, $"{node}: output '{output}' is empty or already defined (by another node, an initializer or the graph input).");
                }
            }
        }

        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
            {
                if (input.Length == 0)
                {
                    continue; // an omitted optional input; the op's reader decides whether it may be omitted
                }

                if (input != Input.Name && !_initializers.ContainsKey(input) && !_producers.ContainsKey(input))
                {
                    throw new OnnxFormatException(source, $"{node}: input '{input}' is not defined: it is not an initializer, a Constant, the graph input or the output of a node (a missing initializer?).");
                }

                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                // Nodes are visited in order, so a node reading a value twice is the list's last entry (a Contains here
                // made a value read by n nodes cost n²: 3 s for 40 000 readers).
                if (list.Count == 0 || !ReferenceEquals(list[^1], node))
                {
                    list.Add(node);
                }
            }
        }

        if (!_producers.ContainsKey(Output.Name) && Output.Name != Input.Name)
        {
            throw new OnnxFormatException(source, $"the graph output '{Output.Name}' is not produced by any node.");
        }

        RejectCycles();
    }

    public string Source { get; }

    public OnnxGraph Graph { get; }

    public OnnxValueInfo Input { get; }

    public OnnxValueInfo Output { get; }

    /// <summary>The nodes reading <paramref name="value"/> (each once, in graph order).</summary>
    public IReadOnlyList<OnnxNode> Consumers(string value) => _consumers.TryGetValue(value, out var list) ? list : [];

    /// <summary>The node producing <paramref name="value"/>, or null for the input, initializers and undefined names.</summary>
    public OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>Marks a node as part of the recognised network.</summary>
    public void Use(OnnxNode node) => _used.Add(node);

    public bool IsUsed(OnnxNode node) => _used.Contains(node);

    /// <summary>The tensor behind <paramref name="value"/> when it is an initializer or a <c>Constant</c>'s output (the Constant is then marked used).</summary>
    public bool TryGetConstant(string value, out OnnxTensor tensor)
    {
        if (_initializers.TryGetValue(value, out tensor!))
        {
            return true;
        }

        if (_producers.TryGetValue(value, out var node) && node.OpType == "Constant" && node.Domain is "" or "ai.onnx")
        {
            tensor = ConstantValue(node);
            Use(node);
            return true;
        }

        tensor = null!;
        return false;
    }

    /// <summary>Fails for the first node that is not on the recognised chain.</summary>
    public void RejectUnusedNodes()
    {
        foreach (var node in Graph.Nodes)
        {
            if (!_used.Contains(node))
            {
                throw new OnnxFormatException(Source, $"{node} is not on the chain from the graph input '{Input.Name}' to the output '{Output.Name}' (a dangling node or a disconnected branch); a NeuralCore network is one chain of dense layers.");
            }
        }
    }

    public OnnxFormatException Error(OnnxNode node, string problem) => new(Source, $"{node}: {problem}");

    private OnnxTensor ConstantValue(OnnxNode node)
    {
        if (node.Inputs.Count != 0 || node.Outputs.Count != 1)
        {
            throw Error(node, "a Constant takes no input and has one output.");
        }

        if (node.Attributes.Count != 1 || node.Attributes[0].Name != "value" || node.Attributes[0].T is null)
        {
            var names = string.Join(", ", node.Attributes.Select(a => $"'{a.Name}'"));
            throw Error(node, $"attributes {names}: only a single tensor attribute 'value' is supported for Constant.");
        }

        return node.Attributes[0].T!;
    }

    // Kahn's algorithm over the node dependencies; whatever is left has a cycle through it.
    private void RejectCycles()
    {
        var pending = new Dictionary<OnnxNode, int>();
        var ready = new Queue<OnnxNode>();
        foreach (var node in Graph.Nodes)
        {
            var count = node.Inputs.Count(i => i.Length > 0 && _producers.ContainsKey(i));
            pending[node] = count;
            if (count == 0)
            {
                ready.Enqueue(node);
            }
        }

        var done = 0;
        while (ready.TryDequeue(out var node))
        {
            done++;
            foreach (var output in node.Outputs)
            {
                foreach (var consumer in Consumers(output))
                {
                    // A node may read the same value twice (Mul(x, x)); each read was counted.
                    pending[consumer] -= consumer.Inputs.Count(i => i == output);
                    if (pending[consumer] == 0)
                    {
                        ready.Enqueue(consumer);
                    }
                }
            }
        }

        if (done != Graph.Nodes.Count)
        {
            var stuck = Graph.Nodes.First(n => pending[n] > 0);
            throw Error(stuck, "the node is on a cycle (its inputs depend on its own output); an ONNX graph must be acyclic.");
        }
    }
}
