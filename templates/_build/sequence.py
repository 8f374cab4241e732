"""Sequence and graph models: character-level LSTM and GRU, and the two-layer GCN."""

from __future__ import annotations

from templates._build.builder import Template, meta

VOCAB = 128  # character ids: 7-bit ASCII covers the bundled corpus
SEQ_LEN = 64
LSTM_PARAMS, GRU_PARAMS = 897152, 683136


def char_rnn(cell: str) -> Template:
    lstm = cell == "LSTM"
    t = Template(
        meta(
            title=f"Character-level {cell} language model",
            authors="Sepp Hochreiter, Jürgen Schmidhuber" if lstm else
                    "Kyunghyun Cho, Bart van Merriënboer, Caglar Gulcehre, Dzmitry Bahdanau, Fethi Bougares, "
                    "Holger Schwenk, Yoshua Bengio",
            year=1997 if lstm else 2014,
            paper="Long Short-Term Memory" if lstm else
                  "Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine Translation",
            link="https://doi.org/10.1162/neco.1997.9.8.1735" if lstm else "https://arxiv.org/abs/1406.1078",
            task="sequence",
            input_shape=[SEQ_LEN],
            expected_params=LSTM_PARAMS if lstm else GRU_PARAMS,
            params_source=f"Hand count: embedding {VOCAB}·64, two {cell} layers of 256 units "
                          f"({'4' if lstm else '3'} gates, two bias vectors each, as torch counts them), "
                          f"and a {VOCAB}-way output layer; checked against a hand-written nn.Module.",
            note=("Gated memory cells with input, forget and output gates carry information over long "
                  "spans where a plain RNN's gradients vanish. torch's LSTM is the now-standard form with a "
                  "forget gate (Gers et al. 2000)." if lstm else
                  "The gated recurrent unit merges the LSTM's gates into an update and a reset gate and has "
                  "no separate memory cell: three quarters of the LSTM's recurrent weights for similar "
                  "results.") +
                 f" The network reads {SEQ_LEN} character ids and predicts the next character at every "
                 "step (char-rnn style: embedding, two stacked recurrent layers, a linear layer to "
                 "vocabulary logits).",
            recipe=f"The bundled public-domain text, {SEQ_LEN}-character windows, next-character cross "
                   "entropy with Adam and gradient clipping.",
        ),
        {
            "task": "sequence",
            "dataset": {"name": "text", "corpus": "tiny", "seq_len": SEQ_LEN},
            "batch_size": 32,
            "epochs": 10,
            "optimizer": {"name": "adam", "lr": 0.002},
            "loss": {"name": "cross_entropy"},
            "grad_clip": 5.0,
        },
    )
    net = t.network()
    net.seq(net.add("tokens", "Input", kind="tokens", shape=[SEQ_LEN], vocab_size=VOCAB),
            ("embedding", "Embedding", {"num_embeddings": VOCAB, "embedding_dim": 64}),
            (cell.lower(), cell, {"hidden_size": 256, "num_layers": 2, "dropout": 0.2}),
            ("fc", "Linear", {"out_features": VOCAB}), ("logits", "Output"))
    return t


def gcn() -> Template:
    t = Template(
        meta(
            title="Graph convolutional network",
            authors="Thomas N. Kipf, Max Welling",
            year=2016,
            paper="Semi-Supervised Classification with Graph Convolutional Networks",
            link="https://arxiv.org/abs/1609.02907",
            task="node_classification",
            input_shape={"features": [34, 34], "adjacency": [34, 34]},
            expected_params=594,
            params_source="Hand count of the paper's two-layer model (16 hidden units, as for its citation "
                          "networks) on Zachary's karate club (34 nodes, one-hot node features, 2 factions): "
                          "34·16+16 + 16·2+2; checked against a hand-written nn.Module.",
            note="Each layer averages every node's features with its neighbours' through the renormalised "
                 "adjacency D^-1/2 (A + I) D^-1/2, then applies a shared linear map: a first-order "
                 "approximation of spectral graph convolutions. Two layers with dropout classify all nodes "
                 "from a handful of labels. The features are one-hot node ids, as in the paper's "
                 "featureless karate-club example.",
            recipe="Zachary's karate club from networkx, the paper's Adam (lr 0.01, weight decay 5e-4) "
                   "for 200 epochs.",
        ),
        {
            "task": "node_classification",
            "dataset": {"name": "karate"},
            "epochs": 200,
            "optimizer": {"name": "adam", "lr": 0.01, "weight_decay": 0.0005},
            "loss": {"name": "cross_entropy"},
        },
    )
    net = t.network()
    features = net.add("features", "Input", kind="graph", shape=[34, 34])
    adj = net.add("adjacency", "Input", kind="adjacency", shape=[34, 34])
    h = net.add("gc1", "GraphConv", net.add("dropout1", "Dropout", features), adj, out_features=16)
    h = net.seq(h, ("relu", "ReLU"), ("dropout2", "Dropout"))
    net.add("logits", "Output", net.add("gc2", "GraphConv", h, adj, out_features=2))
    return t


TEMPLATES = {"lstm_char": lambda: char_rnn("LSTM"), "gru_char": lambda: char_rnn("GRU"), "gcn": gcn}
