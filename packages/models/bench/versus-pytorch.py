"""PyTorch's side of `npm run bench:versus` (packages/models/bench/versus.ts runs it).

Trains and runs the reference classifier (Embedding -> one RNN/LSTM/GRU layer -> last hidden
state -> Linear) on synthetic token ids, the same shapes newscell's side uses, and prints one
JSON object on stdout. Run with Debian's PyTorch: `/usr/bin/python3 versus-pytorch.py '<json>'`.

Input (argv[1], JSON): cell, vocab, embedding, hidden, classes, batch, maxLength, lengths
("full": every text has maxLength real tokens; "mixed": 20..maxLength real tokens, pre-padded),
threads, trainBatches, inferBatches, mode ("padded": every position processed; "packed":
pack_padded_sequence skips the padding), seed.
"""

import json
import sys
import time

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class Classifier(nn.Module):
    def __init__(self, cell, vocab, embedding, hidden, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=0)
        rnn = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[cell]
        self.rnn = rnn(embedding, hidden, batch_first=True)
        self.out = nn.Linear(hidden, classes)

    def forward(self, ids, lengths, packed):
        x = self.embedding(ids)
        if packed:
            x = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]
        return self.out(h[-1])


def batches(args, count, generator):
    """Token ids of `count` batches. Padded mode pre-pads (as newscell's tokenizer does), so the
    last step is every text's last token; packed mode post-pads, as pack_padded_sequence wants."""
    out = []
    n, t = args["batch"], args["maxLength"]
    for _ in range(count):
        if args["lengths"] == "full":
            lengths = torch.full((n,), t, dtype=torch.int64)
        else:
            lengths = torch.randint(20, t + 1, (n,), generator=generator)
        ids = torch.zeros((n, t), dtype=torch.int64)
        for i in range(n):
            length = int(lengths[i])
            tokens = torch.randint(1, args["vocab"], (length,), generator=generator)
            if args["mode"] == "packed":
                ids[i, :length] = tokens
            else:
                ids[i, t - length :] = tokens
        labels = torch.randint(0, args["classes"], (n,), generator=generator)
        out.append((ids, lengths, labels))
    return out


def main():
    args = json.loads(sys.argv[1])
    torch.set_num_threads(args["threads"])
    torch.manual_seed(args["seed"])
    generator = torch.Generator().manual_seed(args["seed"])
    model = Classifier(args["cell"], args["vocab"], args["embedding"], args["hidden"], args["classes"])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    packed = args["mode"] == "packed"
    data = batches(args, args["trainBatches"] + 2, generator)

    def step(ids, lengths, labels):
        optimizer.zero_grad()
        loss = loss_fn(model(ids, lengths, packed), labels)
        loss.backward()
        optimizer.step()

    model.train()
    for ids, lengths, labels in data[:2]:
        step(ids, lengths, labels)
    start = time.perf_counter()
    for ids, lengths, labels in data[2:]:
        step(ids, lengths, labels)
    train_seconds = time.perf_counter() - start

    model.eval()
    infer = data[: min(len(data), args["inferBatches"])]
    with torch.no_grad():
        for ids, lengths, _ in infer[:2]:
            torch.softmax(model(ids, lengths, packed), dim=-1)
        start = time.perf_counter()
        rounds = 0
        while True:
            for ids, lengths, _ in infer:
                torch.softmax(model(ids, lengths, packed), dim=-1)
            rounds += 1
            if time.perf_counter() - start > 1.0:
                break
        infer_seconds = time.perf_counter() - start

    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "mode": args["mode"],
                "trainSamplesPerSecond": args["batch"] * args["trainBatches"] / train_seconds,
                "inferTextsPerSecond": args["batch"] * len(infer) * rounds / infer_seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
