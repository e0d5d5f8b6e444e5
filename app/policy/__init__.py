"""What is decided: the administrator's policy (`admin`: its values; `loading`: the one in force;
`build`: made from the file at every start; `check`: the file's problems as positioned lines) and
the person's own settings (`settings`)."""
