"""Text classification with an embedding bag built by hand: a vocabulary from tokens,
nn.Embedding, padding with pad_sequence, mean pooling over a mask, and training with
CrossEntropyLoss on a tiny synthetic corpus."""
import torch
from torch import nn, optim
from torch.nn.utils.rnn import pad_sequence

corpus = [("good great fine", 1), ("bad awful poor", 0), ("great movie good fun", 1),
          ("poor plot bad acting", 0), ("fun fine good", 1), ("awful bad", 0),
          ("great", 1), ("poor awful movie", 0)]
vocab = {"<pad>": 0}
for text, _ in corpus:
    for token in text.split():
        vocab.setdefault(token, len(vocab))
print(len(vocab), list(vocab)[:6])


def encode(text):
    return torch.tensor([vocab[t] for t in text.split()], dtype=torch.long)


sequences = [encode(text) for text, _ in corpus]
labels = torch.tensor([label for _, label in corpus])
batch = pad_sequence(sequences, batch_first=True, padding_value=0)
mask = (batch != 0).float()
print(batch.shape, batch[3], mask.sum(1))


class BagOfEmbeddings(nn.Module):
    def __init__(self, vocab_size, dim, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
        self.fc = nn.Linear(dim, classes)

    def forward(self, tokens, mask):
        vectors = self.embedding(tokens) * mask.unsqueeze(-1)
        pooled = vectors.sum(1) / mask.sum(1, keepdim=True)
        return self.fc(pooled)


model = BagOfEmbeddings(len(vocab), 4, 2)
with torch.no_grad():
    model.embedding.weight.copy_(torch.sin(torch.arange(len(vocab) * 4.0)).reshape(-1, 4))
    model.embedding.weight[0].zero_()
    model.fc.weight.copy_(torch.tensor([[0.3, -0.2, 0.1, 0.0], [-0.1, 0.2, 0.0, 0.3]]))
    model.fc.bias.zero_()
print(model.embedding, model.embedding(torch.tensor([0, 1])))
optimizer = optim.SGD(model.parameters(), lr=0.5)
criterion = nn.CrossEntropyLoss()
for epoch in range(30):
    optimizer.zero_grad()
    loss = criterion(model(batch, mask), labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 9:
        accuracy = (model(batch, mask).argmax(1) == labels).float().mean()
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} accuracy {accuracy.item():.2f}")
print(model.embedding.weight.grad[0], model.embedding.weight[0])
test = ["good fun", "bad plot"]
tokens = pad_sequence([encode(t) for t in test], batch_first=True)
with torch.no_grad():
    print(torch.softmax(model(tokens, (tokens != 0).float()), dim=1))
